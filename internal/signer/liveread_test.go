package signer

import (
	"context"
	"sync"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// countingReader counts live reads by type.
type countingReader struct {
	client.Reader
	mu   sync.Mutex
	gets map[string]int
}

func (r *countingReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	r.mu.Lock()
	if r.gets == nil {
		r.gets = map[string]int{}
	}
	switch obj.(type) {
	case *cmapi.CertificateRequest:
		r.gets["request"]++
	case *corev1.Secret:
		r.gets["secret"]++
	}
	r.mu.Unlock()
	return r.Reader.Get(ctx, key, obj, opts...)
}

func (r *countingReader) count(kind string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gets[kind]
}

// One reconcile (IgnoreStale, then Sign) reads the request from the API
// server once; before, it read it twice.
func TestOneLiveReadPerReconcile(t *testing.T) {
	csr := makeCSR(t, csrSpec{cn: "www.example.com", dns: []string{"www.example.com"}})
	issuer := namespacedIssuer()
	e := newEnv(t, issuer, certificateRequest(csr, nil), tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)}))
	reader := &countingReader{Reader: e.client}
	e.signer.APIReader = reader
	now := testNow
	e.signer.Now = func() time.Time { return now }
	cr := &cmapi.CertificateRequest{}
	require.NoError(t, e.client.Get(context.Background(), types.NamespacedName{Namespace: testNS, Name: requestName}, cr))
	obj := signer.CertificateRequestObjectFromCertificateRequest(cr)

	skip, err := e.signer.IgnoreStale(context.Background(), obj, schema.GroupVersionKind{}, types.NamespacedName{})
	require.NoError(t, err)
	require.False(t, skip)
	_, err = e.signer.Sign(context.Background(), obj, issuer)
	require.NoError(t, err)
	assert.Equal(t, 1, reader.count("request"), "IgnoreStale's read serves Sign")

	// A Sign without IgnoreStale before it (or long after) reads live.
	_, _ = e.signer.Sign(context.Background(), obj, issuer)
	assert.Equal(t, 2, reader.count("request"))
	_, err = e.signer.IgnoreStale(context.Background(), obj, schema.GroupVersionKind{}, types.NamespacedName{})
	require.NoError(t, err)
	now = now.Add(liveReadTTL + time.Second)
	_, _ = e.signer.Sign(context.Background(), obj, issuer)
	assert.Equal(t, 4, reader.count("request"), "a copy older than liveReadTTL is read again")
}
