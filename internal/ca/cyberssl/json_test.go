package cyberssl

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLenientScalars(t *testing.T) {
	ids := map[string]ID{`17`: 17, `"17"`: 17, `" 17 "`: 17, `null`: 0, `""`: 0, `17.0`: 17, `"9999"`: 9999}
	for in, want := range ids {
		var got ID
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`"abc"`, `1.5`, `true`, `{"a":1}`} {
		var got ID
		assert.Error(t, json.Unmarshal([]byte(in), &got), in)
	}

	amounts := map[string]Amount{`20`: "20", `"20.00"`: "20.00", `10.5`: "10.5", `null`: "", `""`: ""}
	for in, want := range amounts {
		var got Amount
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.Equal(t, want, got, in)
	}
	b, err := json.Marshal(struct{ A, B, C Amount }{"1000.00", "n/a", ""})
	require.NoError(t, err)
	assert.JSONEq(t, `{"A":1000.00,"B":"n/a","C":""}`, string(b))
	f, err := Amount("12.50").Float64()
	require.NoError(t, err)
	assert.InDelta(t, 12.5, f, 1e-9)
	_, err = Amount("x").Float64()
	assert.Error(t, err)

	bools := map[string]Bool{`true`: true, `false`: false, `1`: true, `0`: false, `"1"`: true, `"0"`: false,
		`""`: false, `null`: false, `"yes"`: true, `"true"`: true, `[]`: false}
	for in, want := range bools {
		var got Bool
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.Equal(t, want, got, in)
	}
	var bad Bool
	assert.Error(t, json.Unmarshal([]byte(`"maybe"`), &bad))

	texts := map[string]Text{`"x"`: "x", `123`: "123", `false`: "", `null`: "", `"false"`: "false"}
	for in, want := range texts {
		var got Text
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.Equal(t, want, got, in)
	}

	lists := map[string]StringList{
		`"a.com,b.com"`:             {"a.com", "b.com"},
		`"a.com, b.com ;c.com"`:     {"a.com", "b.com", "c.com"},
		`["a.com","b.com"]`:         {"a.com", "b.com"},
		`{"1":"b.com","0":"a.com"}`: {"a.com", "b.com"},
		`""`:                        nil,
		`null`:                      nil,
		`false`:                     nil,
		`[]`:                        nil,
	}
	for in, want := range lists {
		var got StringList
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.Equal(t, want, got, in)
	}
	b, err = json.Marshal(StringList{"a.com", "b.com"})
	require.NoError(t, err)
	assert.Equal(t, `"a.com,b.com"`, string(b))
}

func TestLists(t *testing.T) {
	var pl ProductList
	require.NoError(t, json.Unmarshal([]byte(`{"10":{"product_id":10},"9":{"product_id":"9"}}`), &pl))
	assert.Equal(t, ProductList{{ProductID: 9}, {ProductID: 10}}, pl)
	require.NoError(t, json.Unmarshal([]byte(`[]`), &pl))
	assert.Empty(t, pl)
	var ol OrderList
	require.NoError(t, json.Unmarshal([]byte(`false`), &ol))
	assert.Empty(t, ol)
	assert.Error(t, json.Unmarshal([]byte(`"x"`), &ol))
}

func TestOrderMatching(t *testing.T) {
	l := OrderList{
		{OrderID: 1, PrimaryDomain: "a.com", DomainsIncluded: StringList{"a.com", "b.com"}, DateCreated: "2026-05-10 10:00:00"},
		{OrderID: 2, PrimaryDomain: "a.com", DomainsIncluded: StringList{"b.com"}, DateCreated: "2026-05-13 10:00:00"},
		{OrderID: 3, PrimaryDomain: "a.com", DomainsIncluded: StringList{"b.com"}, DateCreated: "2026-05-13"},
		{OrderID: 4, PrimaryDomain: "a.com", DomainsIncluded: StringList{"b.com"}, DateCreated: ""},
		{OrderID: 5, PrimaryDomain: "a.com", DateCreated: "2026-05-14T00:00:00Z"},
		{OrderID: 6, PrimaryDomain: "a.com", DomainsIncluded: StringList{"b.com", "c.com"}, DateCreated: "1778688000"},
	}
	ids := func(os []OrderSummary) []ID {
		var out []ID
		for _, o := range os {
			out = append(out, o.OrderID)
		}
		return out
	}
	since := time.Date(2026, 5, 13, 9, 0, 0, 0, time.UTC)
	assert.Equal(t, []ID{2, 3}, ids(l.Matching([]string{"b.com", "A.COM"}, since)))
	assert.Equal(t, []ID{1, 2, 3, 4}, ids(l.Matching([]string{"a.com", "b.com"}, time.Time{})))
	assert.Equal(t, []ID{5}, ids(l.Matching([]string{"a.com"}, since)))
	assert.Empty(t, l.Matching(nil, time.Time{}))

	created, err := l[5].CreatedAt()
	require.NoError(t, err)
	assert.Equal(t, time.Unix(1778688000, 0).UTC(), created)
	_, err = l[3].CreatedAt()
	assert.Error(t, err)
	assert.Equal(t, []string{"a.com", "b.com"}, l[0].Names())
}
