package order

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// looking answers Follow from a script: pending until the last answer, a
// look that makes progress moves st.Progress.
type looking struct {
	Reseller
	answers  []error
	progress []bool
	looks    int
	// slow: every look after the first lasts until its context ends.
	slow bool
}

func (l *looking) Follow(ctx context.Context, _ ca.Request, st *ca.State, _ ca.Journal, _ bool) ([]byte, error) {
	if l.slow && l.looks > 0 {
		l.looks++
		<-ctx.Done()
		return nil, ctx.Err()
	}
	i := min(l.looks, len(l.answers)-1)
	if i < len(l.progress) && l.progress[i] {
		st.Progress = st.Progress.Add(time.Second)
	}
	l.looks++
	if err := l.answers[i]; err != nil {
		return nil, err
	}
	return []byte("chain"), nil
}

func TestFollowLooksAgainOnlyAfterTheOrderMoved(t *testing.T) {
	wait := ca.Pending("waiting for validation", time.Minute)
	tests := []struct {
		name      string
		fresh     bool
		followFor time.Duration
		answers   []error
		progress  []bool
		slow      bool
		looks     int
		chain     bool
		// wait: the result is the first look's wait.
		wait bool
	}{
		{name: "a paid call just made: followed to the certificate", fresh: true, followFor: 4 * time.Second, answers: []error{wait, wait, nil}, looks: 3, chain: true},
		{name: "a challenge published by the first look", followFor: 4 * time.Second, answers: []error{wait, nil}, progress: []bool{true}, looks: 2, chain: true},
		{name: "nothing moved: one look, as every reconcile", followFor: 4 * time.Second, answers: []error{wait, nil}, looks: 1},
		{name: "no FollowFor: one look", fresh: true, answers: []error{wait, nil}, looks: 1},
		{name: "the pauses fit in FollowFor: 0.25 and 0.5 s in 1 s", fresh: true, followFor: time.Second, answers: []error{wait}, looks: 3},
		{name: "a slow reseller: the look is cut at FollowFor, the wait before it stands", fresh: true, followFor: time.Second, answers: []error{wait}, slow: true, looks: 2, wait: true},
		{name: "an error that is not a wait ends it", fresh: true, followFor: 4 * time.Second, answers: []error{errors.New("broken"), nil}, looks: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := &looking{answers: tc.answers, progress: tc.progress, slow: tc.slow}
			p := &Protocol{Reseller: l, Now: time.Now, FollowFor: tc.followFor}
			chain, err := p.follow(context.Background(), ca.Request{}, &ca.State{Progress: time.Unix(0, 0)}, nil, tc.fresh)
			assert.Equal(t, tc.looks, l.looks, "looks")
			assert.Equal(t, tc.chain, chain != nil, "chain (error %v)", err)
			if tc.wait {
				assert.Equal(t, wait, err)
			}
		})
	}
}
