// Command knot-webhook is a cert-manager DNS01 webhook solver, built the way
// webhook authors build theirs (cert-manager's pkg/acme/webhook/cmd, as in
// cert-manager/webhook-example): an extension API server that serves
// POST /apis/$GROUP_NAME/v1alpha1/knot and writes TXT records to an RFC 2136
// server such as the e2e stack's Knot DNS. Its config (the Issuer's
// dns01.webhook.config) names the nameserver and the TSIG key; the TSIG
// secret is read from a Secret in the challenge's resource namespace.
//
// It takes the generic API server's flags (--secure-port, --bind-address,
// --tls-cert-file, --tls-private-key-file, --kubeconfig,
// --authentication-kubeconfig, --authorization-kubeconfig, ...).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	whapi "github.com/cert-manager/cert-manager/pkg/acme/webhook/apis/acme/v1alpha1"
	"github.com/cert-manager/cert-manager/pkg/acme/webhook/cmd"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/dns01"
)

func main() {
	group := os.Getenv("GROUP_NAME")
	if group == "" {
		fmt.Fprintln(os.Stderr, "knot-webhook: GROUP_NAME must be set")
		os.Exit(2)
	}
	cmd.RunWebhookServer(group, &solver{})
}

// config is the dns01.webhook.config this solver reads.
type config struct {
	Nameserver          string                   `json:"nameserver"`
	TSIGKeyName         string                   `json:"tsigKeyName"`
	TSIGAlgorithm       string                   `json:"tsigAlgorithm"`
	TSIGSecretSecretRef cmmeta.SecretKeySelector `json:"tsigSecretSecretRef"`
}

// solver implements cert-manager's webhook.Solver.
type solver struct {
	client kubernetes.Interface
}

func (s *solver) Name() string { return "knot" }

func (s *solver) Initialize(cfg *rest.Config, _ <-chan struct{}) error {
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	s.client = c
	return nil
}

func (s *solver) Present(ch *whapi.ChallengeRequest) error {
	return s.do(ch, func(ctx context.Context, p *dns01.RFC2136, c ca.Challenge) error { return p.Present(ctx, c) })
}

func (s *solver) CleanUp(ch *whapi.ChallengeRequest) error {
	return s.do(ch, func(ctx context.Context, p *dns01.RFC2136, c ca.Challenge) error { return p.CleanUp(ctx, c) })
}

func (s *solver) do(ch *whapi.ChallengeRequest, op func(context.Context, *dns01.RFC2136, ca.Challenge) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := s.presenter(ctx, ch)
	if err != nil {
		return err
	}
	err = op(ctx, p, ca.Challenge{Name: ch.DNSName, Type: ca.DNS01, Record: ch.ResolvedFQDN, RecordType: "TXT", Content: ch.Key})
	fmt.Fprintf(os.Stderr, "knot-webhook: %s TXT %s in zone %s for %s (namespace %s): %v\n", ch.Action, ch.ResolvedFQDN, ch.ResolvedZone, ch.DNSName, ch.ResourceNamespace, errText(err))
	return err
}

func (s *solver) presenter(ctx context.Context, ch *whapi.ChallengeRequest) (*dns01.RFC2136, error) {
	if ch.Config == nil {
		return nil, errors.New("no config: set dns01.webhook.config.nameserver")
	}
	var cfg config
	if err := json.Unmarshal(ch.Config.Raw, &cfg); err != nil {
		return nil, fmt.Errorf("decoding dns01.webhook.config: %w", err)
	}
	if cfg.Nameserver == "" {
		return nil, errors.New("dns01.webhook.config.nameserver is required")
	}
	p := &dns01.RFC2136{Nameserver: cfg.Nameserver, TSIGKeyName: cfg.TSIGKeyName, TSIGAlgorithm: cfg.TSIGAlgorithm}
	if ref := cfg.TSIGSecretSecretRef; ref.Name != "" {
		secret, err := s.client.CoreV1().Secrets(ch.ResourceNamespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("dns01.webhook.config.tsigSecretSecretRef: %w", err)
		}
		v, ok := secret.Data[ref.Key]
		if !ok {
			return nil, fmt.Errorf("dns01.webhook.config.tsigSecretSecretRef: Secret %s/%s has no key %q", ch.ResourceNamespace, ref.Name, ref.Key)
		}
		p.TSIGSecret = string(v)
	}
	return p, nil
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}
