package dns01

import (
	"fmt"
	"net"
	"strings"

	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/util"
)

// Options are the controller-wide DNS-01 settings, cert-manager's flags of the
// same names.
type Options struct {
	// Nameservers find zones, follow CNAMEs and, with RecursiveOnly, check
	// propagation: host:port or https:// (DNS over HTTPS) URLs
	// (--dns01-recursive-nameservers). Empty: the resolvers of
	// /etc/resolv.conf.
	Nameservers []string
	// RecursiveOnly checks propagation on Nameservers instead of the zone's
	// authoritative servers (--dns01-recursive-nameservers-only), for
	// split-horizon DNS.
	RecursiveOnly bool
	// ClusterIssuerAmbientCredentials lets ResellerClusterIssuers use the
	// controller's ambient credentials (IRSA, Workload Identity, managed
	// identity) when a provider block names none
	// (--cluster-issuer-ambient-credentials). A ResellerIssuer never can.
	ClusterIssuerAmbientCredentials bool
	// UserAgent is sent to the cloud DNS APIs.
	UserAgent string
}

// nameservers returns the configured nameservers or the system's.
func (o Options) nameservers() []string {
	if len(o.Nameservers) > 0 {
		return o.Nameservers
	}
	return util.RecursiveNameservers
}

// ParseNameservers checks --dns01-recursive-nameservers: comma-separated
// host:port, host (port 53) or https:// URLs.
func ParseNameservers(s string) ([]string, error) {
	var out []string
	for _, ns := range strings.Split(s, ",") {
		ns = strings.TrimSpace(ns)
		switch {
		case ns == "":
			continue
		case strings.HasPrefix(ns, "https://"):
			out = append(out, ns)
		default:
			hp, err := hostPort(ns)
			if err != nil {
				return nil, fmt.Errorf("nameserver %q: %w", ns, err)
			}
			out = append(out, hp)
		}
	}
	return out, nil
}

// hostPort adds port 53 to a nameserver given without one, as cert-manager
// does for rfc2136.nameserver.
func hostPort(ns string) (string, error) {
	if host, port, err := net.SplitHostPort(ns); err == nil {
		if host == "" || port == "" {
			return "", fmt.Errorf("want host:port")
		}
		return ns, nil
	}
	host := strings.TrimSuffix(strings.TrimPrefix(ns, "["), "]")
	if host == "" || strings.ContainsAny(host, "[]/ ") {
		return "", fmt.Errorf("want host:port, host, [IPv6]:port or [IPv6]")
	}
	return net.JoinHostPort(host, "53"), nil
}

// Target says whose solver is built: where its Secrets live, whether it
// belongs to a cluster issuer, and the field path its errors name.
type Target struct {
	// Namespace holds the Secrets the block references: the
	// ResellerIssuer's, or the cluster resource namespace.
	Namespace string
	// ClusterIssuer is true for a ResellerClusterIssuer.
	ClusterIssuer bool
	// Path of the dns01 block, e.g. spec.domainValidation.solvers[2].dns01.
	Path string
}
