package dns01

import (
	"context"
	"fmt"
	"strings"

	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// secrets reads the Secrets one block references, each error naming the
// field that references it. It never puts a Secret's data in an error.
type secrets struct {
	reader client.Reader
	target Target
}

// get returns the value ref names; field is the path below the dns01 block,
// e.g. "cloudflare.apiTokenSecretRef".
func (s secrets) get(ctx context.Context, ref cmmeta.SecretKeySelector, field string) ([]byte, error) {
	path := s.target.Path + "." + field
	if ref.Name == "" {
		return nil, fmt.Errorf("%s.name: required", path)
	}
	if ref.Key == "" {
		return nil, fmt.Errorf("%s.key: required", path)
	}
	key := types.NamespacedName{Namespace: s.target.Namespace, Name: ref.Name}
	secret := &corev1.Secret{}
	if err := s.reader.Get(ctx, key, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("%s: Secret %s not found", path, key)
		}
		return nil, fmt.Errorf("%s: reading Secret %s: %w", path, key, err)
	}
	v, ok := secret.Data[ref.Key]
	if !ok || len(v) == 0 {
		return nil, fmt.Errorf("%s: Secret %s has no key %q", path, key, ref.Key)
	}
	return v, nil
}

// text is get, trimmed of surrounding white space (a final newline from
// `kubectl create secret --from-file` is common).
func (s secrets) text(ctx context.Context, ref cmmeta.SecretKeySelector, field string) (string, error) {
	v, err := s.get(ctx, ref, field)
	return strings.TrimSpace(string(v)), err
}

// optional is text for a reference that may be absent.
func (s secrets) optional(ctx context.Context, ref *cmmeta.SecretKeySelector, field string) (string, error) {
	if ref == nil || ref.Name == "" {
		return "", nil
	}
	return s.text(ctx, *ref, field)
}
