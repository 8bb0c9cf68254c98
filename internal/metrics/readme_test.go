package metrics

import (
	"os"
	"regexp"
	"sort"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// capture is a Registerer that keeps what is registered.
type capture struct{ collectors []prometheus.Collector }

func (c *capture) Register(col prometheus.Collector) error {
	c.collectors = append(c.collectors, col)
	return nil
}
func (c *capture) MustRegister(cols ...prometheus.Collector) {
	c.collectors = append(c.collectors, cols...)
}
func (c *capture) Unregister(prometheus.Collector) bool { return false }

// The README's metrics table lists exactly the families the controller
// defines.
func TestReadmeTableMatchesTheMetrics(t *testing.T) {
	reg := &capture{}
	_, err := ca.NewMetrics(reg)
	require.NoError(t, err)
	_, err = NewKubeAPI(reg)
	require.NoError(t, err)
	_, err = NewLimiterWaits(reg)
	require.NoError(t, err)
	reg.collectors = append(reg.collectors, &Cluster{})
	fqName := regexp.MustCompile(`fqName: "([^"]+)"`)
	var defined []string
	for _, c := range reg.collectors {
		ch := make(chan *prometheus.Desc, 32)
		c.Describe(ch)
		close(ch)
		for d := range ch {
			defined = append(defined, fqName.FindStringSubmatch(d.String())[1])
		}
	}
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `(reseller_issuer_[a-z_]+)` \\|").FindAllStringSubmatch(string(readme), -1) {
		documented = append(documented, m[1])
	}
	sort.Strings(defined)
	sort.Strings(documented)
	assert.Equal(t, defined, documented)
}
