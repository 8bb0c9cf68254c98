package cyberssl

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalogue(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)

	certs, err := c.Certificates()
	require.NoError(t, err)
	assert.Zero(t, f.count("auth"), "ssl_certificates needs no session")
	require.Len(t, certs.SSLProducts, 3)
	wildcard := map[int64]bool{}
	for _, p := range certs.SSLProducts {
		wildcard[p.ProductID] = p.IsWildcard
	}
	assert.Equal(t, map[int64]bool{1: false, 2: true, 3: false}, wildcard)
	listed, err := c.Products()
	require.NoError(t, err)
	assert.Equal(t, certs.SSLProducts, listed.SSLProducts)

	d, err := c.ProductDetails(3)
	require.NoError(t, err)
	assert.Equal(t, "InstantSSL", d.Product.Name)
	assert.Equal(t, validationOV, d.Product.ValidationType)
	assert.True(t, d.Product.OrganizationRequired)
	_, err = c.ProductDetails(42)
	assert.Equal(t, 404, statusOf(err))

	price, err := c.Price(2, 3, 0)
	require.NoError(t, err)
	assert.Equal(t, json.Number("150.00"), price.Amount)
}
