package order

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// TestChoose: recovery adopts only an order whose key it can read and is
// the claimed call's, within ca.ClockSkew of the call, and of several the
// one placed last (window 4 of issue 15: an order whose CSR could not be
// read was adopted, and the earliest match was taken).
func TestChoose(t *testing.T) {
	claim := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	ours, theirs := []byte("our key"), []byte("another key")
	in := &ca.Intent{Step: StepOrder, At: claim, Key: ca.KeyFingerprint(ours)}
	p := &Protocol{PaidCallBound: time.Minute}
	at := claim.Add
	tests := []struct {
		name          string
		found         []ca.Found
		known         []time.Time
		best, strands string
	}{
		{name: "nothing listed"},
		{name: "the order of the call's key", found: []ca.Found{{OrderID: "1", At: at(time.Second), PublicKey: ours}}, best: "1"},
		{name: "an order whose CSR cannot be read is never adopted", found: []ca.Found{{OrderID: "1", At: at(time.Second)}}},
		{name: "an unreadable order placed later does not hide ours", found: []ca.Found{{OrderID: "1", At: at(time.Second), PublicKey: ours}, {OrderID: "2", At: at(2 * time.Second)}}, best: "1"},
		{name: "another key's order is not ours", found: []ca.Found{{OrderID: "1", At: at(time.Second), PublicKey: theirs}}},
		{name: "of two orders of the key, the later", found: []ca.Found{{OrderID: "2", At: at(time.Second), PublicKey: ours}, {OrderID: "1", At: at(-time.Hour), PublicKey: ours}}, best: "2"},
		{name: "the same, the reseller's clock 3 hours ahead", found: []ca.Found{{OrderID: "1", At: at(2 * time.Hour), PublicKey: ours}, {OrderID: "2", At: at(3 * time.Hour), PublicKey: ours}}, best: "2"},
		{name: "the reseller's clock hours behind", found: []ca.Found{{OrderID: "1", At: at(-5 * time.Hour), PublicKey: ours}}, best: "1"},
		{name: "beyond the clock skew", found: []ca.Found{{OrderID: "1", At: at(-ca.ClockSkew - time.Second), PublicKey: ours}}},
		{name: "a certificate the ledger holds already", found: []ca.Found{{OrderID: "1", At: at(time.Second), PublicKey: ours, NotAfter: at(90 * 24 * time.Hour)}}, known: []time.Time{at(90 * 24 * time.Hour)}},
		{name: "a stranded certificate is reported, never adopted", found: []ca.Found{{OrderID: "1", At: at(time.Second), Stranded: true}}, strands: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			best, stranded := p.choose(tt.found, in, tt.known)
			id := func(f *ca.Found) string {
				if f == nil {
					return ""
				}
				return f.OrderID
			}
			assert.Equal(t, tt.best, id(best), "adopted")
			assert.Equal(t, tt.strands, id(stranded), "stranded")
		})
	}
}
