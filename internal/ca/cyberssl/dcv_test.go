package cyberssl

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

func TestChallenges(t *testing.T) {
	var r DVOptionsResponse
	require.NoError(t, json.Unmarshal(fixture(t, "get_dv_options.json"), &r))
	o := r.DVOptions

	http, err := o.Challenges(DVMethodHTTP)
	require.NoError(t, err)
	assert.Equal(t, []Challenge{{Domain: "mysite.com", Method: DVMethodHTTP, File: &FileChallenge{
		URL: "http://mysite.com/38ED81977C2.txt", Scheme: "http", Host: "mysite.com", Path: "/38ED81977C2.txt",
		Filename: "38ED81977C297795C94A10272D791CD4.txt", Content: "b354ed749af42a09f09edf4b21ff516a698",
	}}}, http)

	https, err := o.Challenges(DVMethodHTTPS)
	require.NoError(t, err)
	require.Len(t, https, 1)
	assert.Equal(t, "https", https[0].File.Scheme)
	assert.Equal(t, "/38ED81977C297.txt", https[0].File.Path)
	assert.Equal(t, "b354ed749af42a09f09edf4b21ff516a698cf0", https[0].File.Content)

	dns, err := o.Challenges(DVMethodDNS)
	require.NoError(t, err)
	assert.Equal(t, []Challenge{{Domain: "mysite.com", Method: DVMethodDNS, Record: &DNSRecord{
		Name: "38ed81977c297795c94a10272d791cd4.mysite.com", Type: RecordCNAME, Value: "b354ed749af42a09f09ed.comodoca.com",
	}}}, dns)

	email, err := o.Challenges("email:admin@mysite.com")
	require.NoError(t, err)
	require.Len(t, email, 1)
	assert.Len(t, email[0].Emails, 6)
	assert.Nil(t, email[0].File)

	_, err = o.Challenges("all")
	var ia *InvalidArgumentError
	assert.ErrorAs(t, err, &ia)

	_, ok, err := o.Challenge(DVMethodHTTP, "other.com")
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestChallengesSortedAndDerived(t *testing.T) {
	o := DVOptions{HTTP: map[string]FileOption{
		"b.com":         {Filename: "B.txt", Content: "cb"},
		"a.com":         {Filename: "A.txt", Content: "ca", Link: "http://a.com/.well-known/pki-validation/A.txt"},
		"www.b.com":     {Filename: "W.txt", Content: "cw", Link: "http://WWW.b.com:80/.well-known/pki-validation/W.txt"},
		"*.wildcard.io": {Filename: "X.txt", Content: "cx"},
	}}
	got, err := o.Challenges(DVMethodHTTP)
	require.NoError(t, err)
	require.Len(t, got, 4)
	assert.Equal(t, []string{"*.wildcard.io", "a.com", "b.com", "www.b.com"},
		[]string{got[0].Domain, got[1].Domain, got[2].Domain, got[3].Domain})
	assert.Equal(t, &FileChallenge{URL: "http://wildcard.io/.well-known/pki-validation/X.txt", Scheme: "http",
		Host: "wildcard.io", Path: "/.well-known/pki-validation/X.txt", Filename: "X.txt", Content: "cx"}, got[0].File)
	assert.Equal(t, "/.well-known/pki-validation/A.txt", got[1].File.Path)
	assert.Equal(t, "b.com", got[2].File.Host)
	assert.Equal(t, "/.well-known/pki-validation/B.txt", got[2].File.Path)
	assert.Equal(t, "www.b.com", got[3].File.Host)

	bad := map[string]FileOption{
		"no content":         {Filename: "A.txt", Link: "http://a.com/A.txt"},
		"relative link":      {Content: "c", Link: "/A.txt"},
		"link names no file": {Content: "c", Link: "http://a.com/"},
		"ftp link":           {Content: "c", Link: "ftp://a.com/A.txt"},
		"nothing to serve":   {Content: "c"},
	}
	for name, f := range bad {
		_, err := DVOptions{HTTP: map[string]FileOption{"a.com": f}}.Challenges(DVMethodHTTP)
		assert.ErrorIs(t, err, rest.ErrMalformedResponse, name)
	}
	_, err = DVOptions{DNS: map[string]DNSOption{"a.com": {Record: "garbage"}}}.Challenges(DVMethodDNS)
	assert.ErrorIs(t, err, rest.ErrMalformedResponse)
}

func TestParseDNSRecord(t *testing.T) {
	good := map[string]DNSRecord{
		"F50E098C713586FE9A363B33BACDD249.test.com. CNAME b056c5e3252182a844b80e1eb5de04736c09c9d9.comodoca.com.": {
			Name: "f50e098c713586fe9a363b33bacdd249.test.com", Type: RecordCNAME, Value: "b056c5e3252182a844b80e1eb5de04736c09c9d9.comodoca.com",
		},
		"_abc.example.com. 3600 IN CNAME x.sectigo.com.": {Name: "_abc.example.com", Type: RecordCNAME, Value: "x.sectigo.com"},
		"_abc.example.com IN cname x.sectigo.com":        {Name: "_abc.example.com", Type: RecordCNAME, Value: "x.sectigo.com"},
		"  a.example.com.\tCNAME\tb.example.net.  ":      {Name: "a.example.com", Type: RecordCNAME, Value: "b.example.net"},
		`_pki.example.com. TXT "some value"`:             {Name: "_pki.example.com", Type: RecordTXT, Value: "some value"},
	}
	for line, want := range good {
		got, err := ParseDNSRecord(line)
		require.NoError(t, err, line)
		assert.Equal(t, want, got, line)
	}
	for _, line := range []string{
		"", "a.com.", "a.com. CNAME", "a.com. A 1.2.3.4", "a.com. CNAME b.com. c.com.", "a.com. foo CNAME b.com.",
		"http://a.com/ CNAME b.com.",
	} {
		_, err := ParseDNSRecord(line)
		assert.Error(t, err, line)
	}
}

func TestDVOptionsJSON(t *testing.T) {
	var o DVOptions
	require.NoError(t, json.Unmarshal([]byte(`[]`), &o))
	assert.True(t, o.IsEmpty())
	require.NoError(t, json.Unmarshal([]byte(`{"http":[],"https":{},"dns":null,"email":{"a.com":{"0":"x@a.com","1":"y@a.com"}}}`), &o))
	assert.Equal(t, DVOptions{Email: map[string]StringList{"a.com": {"x@a.com", "y@a.com"}}}, o)
	assert.Error(t, json.Unmarshal([]byte(`{"http":{"a.com":"x"}}`), &o))

	// Round trip, as the sandbox writes it.
	in := docDVOptions()
	in.Email = map[string]StringList{"test.com": {"admin@test.com"}}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	var out DVOptions
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)

	b, err = json.Marshal(AddOrderResponse{Success: true, OrderID: 5})
	require.NoError(t, err)
	assert.JSONEq(t, `{"success":true,"order_id":5}`, string(b))
}
