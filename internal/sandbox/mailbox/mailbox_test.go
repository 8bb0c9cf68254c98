package mailbox

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSendAndList(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	b := New(func() time.Time { return now })
	to := []string{"admin@a.example"}
	m1 := b.Send(Mail{ID: "ignored", Provider: "sslmarket", Account: "alice", OrderID: "1", Name: "a.example", To: to, Approved: true, Void: true}, nil)
	to[0] = "changed@a.example"
	b.Send(Mail{Provider: "sslmarket", Account: "bob", OrderID: "2", Name: "b.example"}, nil)
	b.Send(Mail{Provider: "cyberssl", Account: "alice", OrderID: "1", Name: "a.example"}, nil)

	assert.Equal(t, Mail{ID: "m1", Provider: "sslmarket", Account: "alice", OrderID: "1", Name: "a.example",
		To: []string{"admin@a.example"}, SentAt: now}, m1, "Send sets ID and SentAt, clears the flags, copies To")

	tests := []struct {
		name   string
		filter Filter
		want   []string
	}{
		{name: "all", filter: Filter{}, want: []string{"m1", "m2", "m3"}},
		{name: "provider", filter: Filter{Provider: "sslmarket"}, want: []string{"m1", "m2"}},
		{name: "account", filter: Filter{Account: "alice"}, want: []string{"m1", "m3"}},
		{name: "provider and order", filter: Filter{Provider: "cyberssl", OrderID: "1"}, want: []string{"m3"}},
		{name: "name", filter: Filter{Name: "b.example"}, want: []string{"m2"}},
		{name: "none", filter: Filter{OrderID: "3"}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.List(tt.filter)
			require.NotNil(t, got)
			ids := []string{}
			for _, m := range got {
				ids = append(ids, m.ID)
			}
			assert.Equal(t, tt.want, ids)
		})
	}

	l := b.List(Filter{OrderID: "1", Provider: "sslmarket"})
	l[0].To[0] = "x"
	assert.Equal(t, []string{"admin@a.example"}, b.List(Filter{Name: "a.example", Provider: "sslmarket"})[0].To, "List returns copies")
}

func TestApprove(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name         string
		approve      ApproveFunc
		void         bool // voided before approval
		id           string
		wantErr      error
		wantApproved bool
		wantVoid     bool
		wantCalls    int
	}{
		{name: "approves", approve: func(Mail) error { return nil }, wantApproved: true, wantCalls: 1},
		{name: "nil func records the approval", wantApproved: true},
		{name: "unknown id", id: "m99", approve: func(Mail) error { return nil }, wantErr: ErrNotFound},
		{name: "voided", void: true, approve: func(Mail) error { return nil }, wantErr: ErrVoid, wantVoid: true},
		{name: "provider refuses as void", approve: func(Mail) error { return Voidf("order gone") }, wantErr: ErrVoid, wantVoid: true, wantCalls: 1},
		{name: "provider fails", approve: func(Mail) error { return errBoom }, wantErr: errBoom, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(nil)
			calls := 0
			var fn ApproveFunc
			if tt.approve != nil {
				fn = func(m Mail) error {
					calls++
					assert.Equal(t, "a.example", m.Name)
					return tt.approve(m)
				}
			}
			m := b.Send(Mail{Provider: "sslmarket", OrderID: "7", Name: "a.example"}, fn)
			if tt.void {
				assert.Equal(t, 1, b.Void(Filter{Provider: "sslmarket", OrderID: "7"}, "method changed"))
			}
			id := m.ID
			if tt.id != "" {
				id = tt.id
			}
			got, err := b.Approve(id)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantCalls, calls)
			listed := b.List(Filter{})[0]
			assert.Equal(t, tt.wantApproved, listed.Approved)
			assert.Equal(t, tt.wantVoid, listed.Void)
			if tt.id == "" {
				assert.Equal(t, listed, got)
			}
		})
	}
}

func TestApproveMessages(t *testing.T) {
	b := New(nil)
	m := b.Send(Mail{Provider: "cyberssl", OrderID: "7", Name: "a.example"}, func(Mail) error { return Voidf("order 7 was reissued") })
	_, err := b.Approve(m.ID)
	assert.EqualError(t, err, "mail m1: void (order 7 was reissued)")
	_, err = b.Approve(m.ID)
	assert.EqualError(t, err, "mail m1: void (order 7 was reissued)", "a void mail stays void")
	_, err = b.Approve("nope")
	assert.EqualError(t, err, `mail "nope": no such mail`)
}

func TestApproveIsIdempotent(t *testing.T) {
	b := New(nil)
	calls := 0
	m := b.Send(Mail{Provider: "sslmarket", OrderID: "1", Name: "a.example"}, func(Mail) error { calls++; return nil })
	for range 3 {
		got, err := b.Approve(m.ID)
		require.NoError(t, err)
		assert.True(t, got.Approved)
	}
	assert.Equal(t, 1, calls, "an approved mail is not approved at the provider again")
	assert.Zero(t, b.Void(Filter{Provider: "sslmarket", OrderID: "2"}, "other order"))
	assert.Equal(t, 1, b.Void(Filter{Provider: "sslmarket", OrderID: "1"}, "method changed"))
	assert.Zero(t, b.Void(Filter{Provider: "sslmarket", OrderID: "1"}, "again"), "void mails are counted once")
	_, err := b.Approve(m.ID)
	assert.ErrorIs(t, err, ErrVoid, "an approved mail that became void cannot be approved again")
}

// TestApproveCallsBackWithoutLock checks that an ApproveFunc may use the
// mailbox (as providers do while holding their own lock), concurrently.
func TestApproveCallsBackWithoutLock(t *testing.T) {
	b := New(nil)
	var ids []string
	for range 20 {
		m := b.Send(Mail{Provider: "cyberssl", OrderID: "1", Name: "a.example"}, func(m Mail) error {
			b.Void(Filter{Provider: "cyberssl", OrderID: "2"}, "unrelated")
			b.Send(Mail{Provider: "cyberssl", OrderID: "2", Name: "b.example"}, nil)
			return nil
		})
		ids = append(ids, m.ID)
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			_, err := b.Approve(id)
			assert.NoError(t, err)
		})
		wg.Go(func() { b.List(Filter{}) })
	}
	wg.Wait()
	for _, m := range b.List(Filter{OrderID: "1"}) {
		assert.True(t, m.Approved, m.ID)
	}
}
