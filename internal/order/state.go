package order

import (
	"fmt"
	"math"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// maxCertificates is how many obtained certificates an order lists.
const maxCertificates = 20

// StateOf is the flow's view of an order: what a reseller flow reads and
// saves through the Journal.
func StateOf(o *v1alpha1.ResellerOrder) *ca.State {
	s := &o.Status
	st := &ca.State{Version: ca.StateVersion, Provider: o.Spec.Provider, OrderID: s.OrderID, ChainPEM: s.Chain, EmailResent: s.EmailResent, NoReissue: s.NoReissue}
	if s.Progress != nil {
		st.Progress = s.Progress.Time
	} else {
		st.Progress = o.CreationTimestamp.Time
	}
	if c := s.Claim; c != nil && c.Step != "" && c.At != nil {
		st.Intent = &ca.Intent{Step: c.Step, At: c.At.Time, Attempt: int(c.Attempt), Key: c.StepKeyFingerprint}
	}
	if r := s.Reissue; r != nil {
		st.Reissue = &ca.Reissue{Replaces: r.Replaces.Time, Accepted: r.Accepted}
	}
	if e := s.SubscriptionEnd; e != nil {
		end := e.Time
		st.SubscriptionEnd = &end
	}
	for _, n := range s.Names {
		ns := ca.NameState{Name: n.Name, OrderID: n.OrderID, Verified: n.Verified, LastError: n.LastError, Method: n.Method}
		if n.VerifiedAt != nil {
			ns.VerifiedAt = n.VerifiedAt.Time
		}
		if ch := n.Challenge; ch != nil {
			ns.Challenge = &ca.Challenge{Name: n.Name, Type: ch.Type, Path: ch.Path, Content: ch.Content, Record: ch.Record, RecordType: ch.RecordType}
		}
		st.Names = append(st.Names, ns)
	}
	return st
}

// applyState writes the flow's state st onto the order's status, for the
// request named request, at now: the state enum follows from it, and a new
// chain is recorded among the certificates obtained.
func applyState(o *v1alpha1.ResellerOrder, st *ca.State, request string, now time.Time) {
	s := &o.Status
	if !written(o) {
		// The first write of an order read back before its status was
		// written carries the claim it was created with.
		s.Claim = createdClaim(o)
	}
	prevChain := s.Chain
	s.OrderID, s.Chain, s.EmailResent, s.NoReissue = st.OrderID, st.ChainPEM, st.EmailResent, truncate(st.NoReissue, 1024)
	if !st.Progress.IsZero() {
		s.Progress = &metav1.Time{Time: st.Progress}
	}
	if s.Claim != nil {
		if st.Intent != nil {
			s.Claim.Step, s.Claim.At, s.Claim.Attempt = st.Intent.Step, &metav1.Time{Time: st.Intent.At}, int32(min(st.Intent.Attempt, math.MaxInt32)) //nolint:gosec // bounded on the line
			s.Claim.StepKeyFingerprint = st.Intent.Key
		} else {
			s.Claim.Step, s.Claim.At, s.Claim.StepKeyFingerprint = "", nil, ""
		}
	}
	s.Reissue = nil
	if r := st.Reissue; r != nil {
		s.Reissue = &v1alpha1.OrderReissue{Replaces: metav1.Time{Time: r.Replaces}, Accepted: r.Accepted}
	}
	if st.SubscriptionEnd != nil {
		s.SubscriptionEnd = &metav1.Time{Time: *st.SubscriptionEnd}
	}
	old := map[string]v1alpha1.OrderName{}
	for _, n := range s.Names {
		old[n.Name] = n
	}
	s.Names = nil
	for _, n := range st.Names {
		on := v1alpha1.OrderName{Name: n.Name, OrderID: n.OrderID, Verified: n.Verified, LastError: n.LastError, Method: n.Method}
		if n.Verified {
			on.VerifiedAt = old[n.Name].VerifiedAt
			switch {
			case on.VerifiedAt != nil:
			case !n.VerifiedAt.IsZero():
				on.VerifiedAt = &metav1.Time{Time: n.VerifiedAt}
			default:
				on.VerifiedAt = &metav1.Time{Time: now}
			}
		}
		if ch := n.Challenge; ch != nil {
			on.Challenge = &v1alpha1.OrderChallenge{Type: ch.Type, Path: ch.Path, Content: ch.Content, Record: ch.Record, RecordType: ch.RecordType}
		}
		s.Names = append(s.Names, on)
	}
	s.Validating = truncate(validating(s.Names), 4096)
	if s.Chain != "" && s.Chain != prevChain {
		if c, err := obtained(s.Chain, request, now, len(s.Certificates) > 0); err == nil {
			if c.Reissue {
				s.Reissues++
			}
			s.Certificates = append(s.Certificates, c)
			if len(s.Certificates) > maxCertificates {
				s.Certificates = s.Certificates[len(s.Certificates)-maxCertificates:]
			}
		}
	}
	s.State = stateOf(s)
}

// stateOf derives the order's state from what is known; final states
// (expired, canceled, failed) are set by whoever learns them and kept.
func stateOf(s *v1alpha1.OrderStatus) v1alpha1.OrderState {
	switch s.State {
	case v1alpha1.OrderExpired, v1alpha1.OrderCanceled, v1alpha1.OrderFailed:
		return s.State
	}
	reissuing := s.Reissue != nil
	switch {
	case s.Chain != "" && !reissuing:
		return v1alpha1.OrderIssued
	case reissuing:
		return v1alpha1.OrderReissuing
	case s.OrderID != "" || anyOpen(s.Names):
		if anyOpen(s.Names) {
			return v1alpha1.OrderValidating
		}
		return v1alpha1.OrderOrdered
	}
	return v1alpha1.OrderClaimed
}

// validating lists the names with an open challenge, with its type.
func validating(names []v1alpha1.OrderName) string {
	var open []string
	for _, n := range names {
		if n.Challenge != nil && !n.Verified {
			open = append(open, n.Name+" "+n.Challenge.Type)
		}
	}
	return strings.Join(open, ", ")
}

func anyOpen(names []v1alpha1.OrderName) bool {
	for _, n := range names {
		if n.Challenge != nil && !n.Verified {
			return true
		}
	}
	return false
}

// obtained describes the leaf of chainPEM.
func obtained(chainPEM, request string, now time.Time, reissue bool) (v1alpha1.ObtainedCertificate, error) {
	leaf, err := ca.Leaf([]byte(chainPEM))
	if err != nil {
		return v1alpha1.ObtainedCertificate{}, err
	}
	return v1alpha1.ObtainedCertificate{
		Serial:     fmt.Sprintf("%x", leaf.SerialNumber),
		NotAfter:   metav1.Time{Time: leaf.NotAfter},
		ObtainedAt: metav1.Time{Time: now},
		Request:    request,
		Reissue:    reissue,
	}, nil
}
