package ca

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// StateVersion is the version of the State encoding.
const StateVersion = 1

// State is everything a flow must remember between reconciles and across
// crashes. It is kept on the request's ResellerOrder (package order); older
// versions kept it, as JSON, on the request.
type State struct {
	// Version of this encoding.
	Version int `json:"v"`
	// Provider that owns the state; a request never changes provider.
	Provider string `json:"provider"`
	// Intent is claimed, and saved, before a paid call; it stays until the
	// call's outcome is saved.
	Intent *Intent `json:"intent,omitempty"`
	// OrderID is the reseller's id of the paid order, saved at once.
	OrderID string `json:"orderID,omitempty"`
	// Names holds per-name validation progress.
	Names []NameState `json:"names,omitempty"`
	// ChainPEM is the issued chain, saved as soon as it arrives so a crash
	// after a paid issuance never needs a second one.
	ChainPEM string `json:"chain,omitempty"`
	// Progress is when the state last moved forward; waits grow from it.
	Progress time.Time `json:"progress"`
	// EmailResent is the last Request.ResendEmail acted on.
	EmailResent string `json:"emailResent,omitempty"`
	// Reissue is the free reissue under way on the order; nil when none is.
	Reissue *Reissue `json:"reissue,omitempty"`
	// SubscriptionEnd is when the order's paid subscription ends; nil where
	// the reseller sells single certificates.
	SubscriptionEnd *time.Time `json:"subscriptionEnd,omitempty"`
	// NoReissue says why the order cannot be reissued any more (the
	// reseller refused a reissue): renewals then order anew.
	NoReissue string `json:"noReissue,omitempty"`
}

// Reissue is a free reissue of a paid order with a new CSR.
type Reissue struct {
	// Replaces is when the certificate the reissue replaces expires: the
	// reissued one is handed out only if it expires later.
	Replaces time.Time `json:"replaces"`
	// Accepted is set once the reseller accepted the reissue call.
	Accepted bool `json:"accepted,omitempty"`
}

// Intent records that a paid call is about to be made.
type Intent struct {
	// Step is the call, e.g. "finalize".
	Step string `json:"step"`
	// At is when the intent was claimed.
	At time.Time `json:"at"`
	// Attempt counts the claims of this step.
	Attempt int `json:"attempt"`
	// Key is the fingerprint of the public key the call asked to certify:
	// recovery looks for an order of that key, whichever request holds the
	// order by then.
	Key string `json:"key,omitempty"`
}

// NameState is the validation progress of one name.
type NameState struct {
	Name string `json:"name"`
	// OrderID of the (free) verification order, if the reseller uses one.
	OrderID string `json:"orderID,omitempty"`
	// Challenge to publish; nil once verified.
	Challenge *Challenge `json:"challenge,omitempty"`
	// Verified is set when the reseller confirmed the name.
	Verified bool `json:"verified,omitempty"`
	// VerifiedAt is when it was confirmed (zero: in this call, or unknown).
	VerifiedAt time.Time `json:"verifiedAt,omitzero"`
	// LastError is the reseller's last answer for this name.
	LastError string `json:"lastError,omitempty"`
	// Method is how the reseller validates this name, in its own words,
	// when the flow can change it per name.
	Method string `json:"method,omitempty"`
}

// NewState returns an empty state for provider.
func NewState(provider string, now time.Time) *State {
	return &State{Version: StateVersion, Provider: provider, Progress: now}
}

// Name returns the state of name, adding it when absent.
func (s *State) Name(name string) *NameState {
	i := slices.IndexFunc(s.Names, func(n NameState) bool { return n.Name == name })
	if i < 0 {
		s.Names = append(s.Names, NameState{Name: name})
		i = len(s.Names) - 1
	}
	return &s.Names[i]
}

// Started reports whether the flow has done anything at the reseller: the
// spend guard only holds back requests that have not.
func (s *State) Started() bool {
	return s.Intent != nil || s.OrderID != "" || s.ChainPEM != "" || len(s.Names) > 0
}

// Paid reports whether the state holds a paid order, or a paid call whose
// outcome is not known.
func (s *State) Paid() bool {
	return s.OrderID != "" || s.Intent != nil || s.ChainPEM != ""
}

// OpenChallenges lists the challenges that are published but not verified.
func (s *State) OpenChallenges() []Challenge {
	var out []Challenge
	for _, n := range s.Names {
		if n.Challenge != nil && !n.Verified {
			out = append(out, *n.Challenge)
		}
	}
	return out
}

// Encode returns the JSON form of the state.
func (s *State) Encode() (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

// DecodeState parses a stored state. An empty string is no state.
func DecodeState(data string) (*State, error) {
	if data == "" {
		return nil, nil
	}
	var s State
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		return nil, fmt.Errorf("order state is not valid JSON: %w", err)
	}
	if s.Version != StateVersion {
		return nil, fmt.Errorf("order state has version %d, this controller understands %d", s.Version, StateVersion)
	}
	if s.Provider == "" {
		return nil, fmt.Errorf("order state names no provider")
	}
	return &s, nil
}
