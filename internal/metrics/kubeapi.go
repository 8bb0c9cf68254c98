package metrics

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// KubeAPI counts the controller's requests to the Kubernetes API server by
// verb and resource (client-go's own metrics name only the method and
// host), so a user and make bench can see what a certificate costs.
type KubeAPI struct {
	requests *prometheus.CounterVec
}

// NewKubeAPI creates the counter and registers it with reg.
func NewKubeAPI(reg prometheus.Registerer) (*KubeAPI, error) {
	k := &KubeAPI{requests: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace,
		Name:      "kube_api_requests_total",
		Help:      "Requests to the Kubernetes API server by verb (get, list, watch, create, update, patch, delete) and resource (with its subresource, e.g. certificaterequests/status).",
	}, []string{"verb", "resource"})}
	return k, reg.Register(k.requests)
}

// Wrap is a rest.Config WrapTransport: it counts every request rt sends.
func (k *KubeAPI) Wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		verb, resource := KubeAPIRequest(req.Method, req.URL.Path, req.URL.Query().Get("watch"))
		k.requests.WithLabelValues(verb, resource).Inc()
		return rt.RoundTrip(req)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// KubeAPIRequest names the verb and resource of a request to the API
// server from its method and path (/api/v1/namespaces/NS/secrets/NAME,
// /apis/GROUP/VERSION/RESOURCE/NAME/SUBRESOURCE, ...). Anything else
// (discovery, /version) is resource "other".
func KubeAPIRequest(method, path, watch string) (verb, resource string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		parts = parts[3:]
	default:
		parts = nil
	}
	if len(parts) >= 2 && parts[0] == "namespaces" && len(parts) != 2 {
		parts = parts[2:] // a namespaced resource, not a Namespace
	}
	named := len(parts) != 1 // discovery ("other") is a get
	switch {
	case len(parts) == 0:
		resource = "other"
	case len(parts) >= 3:
		resource = parts[0] + "/" + parts[2]
	default:
		resource = parts[0]
	}
	switch method {
	case http.MethodGet:
		verb = "get"
		if !named {
			verb = "list"
		}
		if watch == "true" || watch == "1" {
			verb = "watch"
		}
	case http.MethodPost:
		verb = "create"
	case http.MethodPut:
		verb = "update"
	case http.MethodPatch:
		verb = "patch"
	case http.MethodDelete:
		verb = "delete"
		if !named {
			verb = "deletecollection"
		}
	default:
		verb = strings.ToLower(method)
	}
	return verb, resource
}
