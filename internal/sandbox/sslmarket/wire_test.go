package sslmarket

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

func document(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}

// full returns a details answer with every optional field set.
func fullDetails() detailsResponse {
	days, auto := 1, true
	return detailsResponse{DaysRemaining: &days, AutoReissue: &auto, Published: "x", Expired: "x",
		DVAuthMethod: dvAuthFile, DVAuthContent: "x"}
}

// TestDocumentExamples checks the sandbox's wire types against the
// document: its product list example decodes, and every table's field
// names are exactly the names the sandbox reads or writes (requests also
// decode a body with every field of the table's type).
func TestDocumentExamples(t *testing.T) {
	t.Run("product list example", func(t *testing.T) {
		example := []byte(document(t, "products.response.json"))
		var list productList
		sandboxtest.DecodeStrict(t, example, &list)
		require.NotEmpty(t, list.Products)
		assert.Equal(t, entry("rapidssl-rapidssl-dv"), list.Products[5].entryOf(t), "the sandbox lists a product the way the example does")
		sandboxtest.SameFields(t, sandboxtest.KeyPaths(t, example), list)
		sandboxtest.SameFields(t, sandboxtest.TableFields(t, document(t, "products.fields")), list)
	})
	requests := []struct {
		table string
		v     any
	}{
		{"order.request.fields", &orderRequest{}},
		{"edit.request.fields", &orderEdit{}},
		{"reissue.request.fields", &reissueRequest{}},
		{"decodecsr.request.fields", &csrRequest{}},
		{"decodecert.request.fields", &certificateRequest{}},
		{"ocsp.request.fields", &certificateRequest{}},
	}
	for _, tt := range requests {
		t.Run(tt.table, func(t *testing.T) {
			table := document(t, tt.table)
			sandboxtest.DecodeStrict(t, sandboxtest.TableSample(t, table), tt.v)
			sandboxtest.SameFields(t, sandboxtest.TableFields(t, table), tt.v)
		})
	}
	responses := []struct {
		table  string
		v      any
		extras []string
	}{
		{"order.response.fields", placeOrderResponse{}, nil},
		{"orderlist.response.fields", orderListResponse{Orders: []orderSummary{{Published: "x", Expired: "x"}}}, nil},
		{"details.response.fields", func() any { d := fullDetails(); d.SandboxNote = "x"; return d }(), []string{"sandbox_note"}},
		{"decodecsr.response.fields", decodedCSRResponse{decodedCSR{Subject: csrSubject{"x", "x", "x", "x", "x", "x"}}}, nil},
		// pkey, documented only as "array", is written like the CSR
		// decoder's.
		{"decodecert.response.fields", decodedCertificateResponse{decodedCertificate{Owner: certificateOwner{"x", "x", "x", "x", "x"}}},
			[]string{"certificate.pkey.alghoritm", "certificate.pkey.length", "certificate.pkey.pkey"}},
		{"ocsp.response.fields", ocspResponse{}, nil},
	}
	for _, tt := range responses {
		t.Run(tt.table, func(t *testing.T) {
			sandboxtest.SameFields(t, sandboxtest.TableFields(t, document(t, tt.table)), tt.v, tt.extras...)
		})
	}
}

func entry(code string) productEntry {
	p, _ := findProduct(code)
	return p.entry()
}

// entryOf is the example's entry as the sandbox would list it: the
// sandbox's RapidSSL products allow 100 SANs, the example's 0 (see the
// package doc).
func (p productEntry) entryOf(t *testing.T) productEntry {
	t.Helper()
	require.Equal(t, "0", p.MaxSANValues)
	p.MaxSANValues = "100"
	return p
}

// TestAnswersHaveTheDocumentsFields compares what the sandbox really
// answers for an issued two-year order with the document's tables.
func TestAnswersHaveTheDocumentsFields(t *testing.T) {
	f := newFixture(t)
	id := f.issued(f.alice, "z.example.com")
	var raw []byte
	require.NoError(t, f.alice.do(context.Background(), http.MethodGet, orderPath(id), nil, nil, &raw))
	assert.Equal(t, sandboxtest.TableFields(t, document(t, "details.response.fields")), sandboxtest.KeyPaths(t, raw))
	require.NoError(t, f.alice.do(context.Background(), http.MethodGet, "/order/list", nil, nil, &raw))
	assert.Equal(t, sandboxtest.TableFields(t, document(t, "orderlist.response.fields")), sandboxtest.KeyPaths(t, raw))
	require.NoError(t, f.alice.do(context.Background(), http.MethodGet, "/product/list", nil, nil, &raw))
	assert.Equal(t, sandboxtest.TableFields(t, document(t, "products.fields")), sandboxtest.KeyPaths(t, raw))
}
