// Package mailbox records the domain control validation e-mails the
// simulated reseller APIs "send", and lets a test "click the link" of one:
// Approve calls back into the API that sent it, which marks that name of
// that order validated.
//
// A mail is void when it can no longer validate anything: its name moved
// to another validation method, a newer mail replaced it, or its order no
// longer waits for validation. Approving a void mail is an error
// (ErrVoid), approving an approved one is not.
package mailbox

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

var (
	// ErrNotFound is returned for an unknown mail id.
	ErrNotFound = errors.New("no such mail")
	// ErrVoid is returned for a mail that can no longer be approved. An
	// ApproveFunc wraps it to refuse an approval.
	ErrVoid = errors.New("void")
)

// Mail is one approval e-mail sent for one name of one order.
type Mail struct {
	// ID is unique in the mailbox and short ("m1", "m2", ...).
	ID string `json:"id"`
	// Provider is the API that sent it: "sslmarket" or "cyberssl".
	Provider string `json:"provider"`
	// Account is the account name of the order.
	Account string `json:"account"`
	// OrderID is the provider's order id, in decimal.
	OrderID string `json:"orderID"`
	// Name is the DNS name being validated, as in the order ("*." kept).
	Name string `json:"name"`
	// To are the recipients.
	To []string `json:"to"`
	// SentAt is when it was sent, by the sandbox's clock.
	SentAt time.Time `json:"sentAt"`
	// Approved is set once its link was clicked (Approve succeeded).
	Approved bool `json:"approved"`
	// Void is set once it can no longer be approved.
	Void bool `json:"void"`
}

// ApproveFunc marks the mail's name validated at the provider that sent
// it. It returns an error wrapping ErrVoid (see Voidf) when the mail no
// longer applies, and the mailbox then marks it void; nil when the name is
// validated, already validated included. It is called without the mailbox's lock
// held, so it may take the provider's lock.
type ApproveFunc func(Mail) error

// Voidf returns an error wrapping ErrVoid that gives the reason, for an
// ApproveFunc to refuse an approval.
func Voidf(format string, args ...any) error {
	return &voidError{reason: fmt.Sprintf(format, args...)}
}

type voidError struct{ reason string }

func (e *voidError) Error() string { return ErrVoid.Error() + ": " + e.reason }

func (e *voidError) Unwrap() error { return ErrVoid }

// Filter selects mails; empty fields match every mail.
type Filter struct {
	Provider string
	Account  string
	OrderID  string
	Name     string
}

// Match reports whether m is selected by f.
func (f Filter) Match(m Mail) bool {
	return (f.Provider == "" || f.Provider == m.Provider) &&
		(f.Account == "" || f.Account == m.Account) &&
		(f.OrderID == "" || f.OrderID == m.OrderID) &&
		(f.Name == "" || f.Name == m.Name)
}

// Mailbox holds the sent mails; it is safe for concurrent use. Providers
// may call Send and Void while holding their own lock.
type Mailbox struct {
	now func() time.Time

	mu     sync.Mutex
	lastID int
	mails  []*entry // in the order sent
	byID   map[string]*entry
}

type entry struct {
	mail       Mail
	approve    ApproveFunc
	voidReason string
}

// New returns an empty mailbox; now is its clock (nil: time.Now).
func New(now func() time.Time) *Mailbox {
	if now == nil {
		now = time.Now
	}
	return &Mailbox{now: now, byID: map[string]*entry{}}
}

// Send records m with a new ID and the current time, not approved and not
// void, and returns it. approve is called when the mail is approved; nil
// only records the approval.
func (b *Mailbox) Send(m Mail, approve ApproveFunc) Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lastID++
	m.ID = "m" + strconv.Itoa(b.lastID)
	m.To = slices.Clone(m.To)
	m.SentAt = b.now()
	m.Approved, m.Void = false, false
	e := &entry{mail: m, approve: approve}
	b.mails = append(b.mails, e)
	b.byID[m.ID] = e
	return e.copy()
}

// List returns the mails selected by f, in the order sent; never nil.
func (b *Mailbox) List(f Filter) []Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []Mail{}
	for _, e := range b.mails {
		if f.Match(e.mail) {
			out = append(out, e.copy())
		}
	}
	return out
}

// Void marks the mails selected by f void, giving reason when one of them
// is approved later, and returns how many were not void before. Callers
// always set Provider and OrderID: an empty filter voids every mail.
func (b *Mailbox) Void(f Filter, reason string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, e := range b.mails {
		if !e.mail.Void && f.Match(e.mail) {
			e.void(reason)
			n++
		}
	}
	return n
}

// Approve "clicks the link" of mail id: the provider marks the name
// validated and the mail is approved. Unknown ids are ErrNotFound, void
// mails (or mails the provider refuses as void) ErrVoid; approving an
// approved mail again returns it unchanged.
func (b *Mailbox) Approve(id string) (Mail, error) {
	b.mu.Lock()
	e := b.byID[id]
	switch {
	case e == nil:
		b.mu.Unlock()
		return Mail{}, fmt.Errorf("mail %q: %w", id, ErrNotFound)
	case e.mail.Void:
		m, err := e.copy(), e.voidError()
		b.mu.Unlock()
		return m, err
	case e.mail.Approved:
		m := e.copy()
		b.mu.Unlock()
		return m, nil
	}
	m, approve := e.copy(), e.approve
	b.mu.Unlock()

	// The provider takes its own lock, which it may hold while calling Send
	// or Void: call it without ours.
	var err error
	if approve != nil {
		err = approve(m)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case errors.Is(err, ErrVoid):
		if !e.mail.Void {
			reason := err.Error()
			var ve *voidError
			if errors.As(err, &ve) {
				reason = ve.reason
			}
			e.void(reason)
		}
		return e.copy(), e.voidError()
	case err != nil:
		return e.copy(), fmt.Errorf("approving mail %s: %w", id, err)
	}
	e.mail.Approved = true
	return e.copy(), nil
}

func (e *entry) void(reason string) {
	e.mail.Void = true
	e.voidReason = reason
}

func (e *entry) voidError() error {
	if e.voidReason == "" {
		return fmt.Errorf("mail %s: %w", e.mail.ID, ErrVoid)
	}
	return fmt.Errorf("mail %s: %w (%s)", e.mail.ID, ErrVoid, e.voidReason)
}

func (e *entry) copy() Mail {
	m := e.mail
	m.To = slices.Clone(m.To)
	return m
}
