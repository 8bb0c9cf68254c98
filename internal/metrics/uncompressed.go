package metrics

import (
	"net/http"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// Uncompressed is a metrics server FilterProvider: the endpoint answers
// every scrape uncompressed. Prometheus's client gzips a response when the
// scraper accepts it, with a compressor of about 0.8 MB per scrape at once
// (kept in a pool until two collections later; a replica that collects
// rarely held two of them, 1.6 MB); the controller's page is about 110 kB,
// 12 kB gzipped: the bytes on the wire per scrape cost less than the
// memory (issue 12, README "A slow or large controller").
func Uncompressed(*rest.Config, *http.Client) (metricsserver.Filter, error) {
	return func(_ logr.Logger, next http.Handler) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Del("Accept-Encoding")
			next.ServeHTTP(w, r)
		}), nil
	}, nil
}
