//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// canaries are the credentials of the whole suite: none may ever show up in
// a log line (the issuer runs at debug verbosity), an Event, a condition or a
// metric.
func canaries() []string {
	out := []string{wrongToken}
	for _, tok := range accounts {
		out = append(out, tok)
	}
	return out
}

// leakedSecrets checks, after the whole suite ran, every place a credential
// could leak to. It returns one line per leak.
func leakedSecrets(ctx context.Context, s *framework.Stack) ([]string, error) {
	places := map[string]string{}
	logs, err := filepath.Glob(filepath.Join(s.Dir, "*.log"))
	if err != nil {
		return nil, err
	}
	for _, path := range logs {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		places[filepath.Base(path)] = string(data)
	}
	metrics, err := s.Metrics(ctx)
	if err != nil {
		return nil, err
	}
	places["metrics"] = metrics

	var events corev1.EventList
	if err := s.Control.Client.List(ctx, &events); err != nil {
		return nil, err
	}
	for _, e := range events.Items {
		places["event "+e.Namespace+"/"+e.Name] = e.Message
	}
	var issuers v1alpha1.ResellerIssuerList
	if err := s.Control.Client.List(ctx, &issuers); err != nil {
		return nil, err
	}
	for _, i := range issuers.Items {
		places["ResellerIssuer "+i.Namespace+"/"+i.Name] = fmt.Sprint(i.Status.Conditions)
	}
	var cissuers v1alpha1.ResellerClusterIssuerList
	if err := s.Control.Client.List(ctx, &cissuers); err != nil {
		return nil, err
	}
	for _, i := range cissuers.Items {
		places["ResellerClusterIssuer "+i.Name] = fmt.Sprint(i.Status.Conditions)
	}
	var reqs cmapi.CertificateRequestList
	if err := s.Control.Client.List(ctx, &reqs); err != nil {
		return nil, err
	}
	for _, r := range reqs.Items {
		places["CertificateRequest "+r.Namespace+"/"+r.Name] = fmt.Sprint(r.Status.Conditions, r.Annotations)
	}

	var leaks []string
	for where, text := range places {
		for _, c := range canaries() {
			if strings.Contains(text, c) {
				leaks = append(leaks, fmt.Sprintf("credential %q leaked into %s", c[:4]+"…", where))
			}
		}
	}
	return leaks, nil
}
