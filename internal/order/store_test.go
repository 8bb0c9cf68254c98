package order

import (
	"context"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

func TestJournalSaveAndLoad(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, cmapi.AddToScheme(scheme))
	cr := &cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "ns"}}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(cr).Build()
	ctx := context.Background()

	live := &cmapi.CertificateRequest{}
	require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(cr), live))
	stale := live.DeepCopy()

	st := ca.NewState("sslci", time.Unix(100, 0).UTC())
	st.Name("a.example").OrderID = "7"
	j := &Journal{Client: c, Object: live}
	require.NoError(t, j.Save(ctx, st))
	st.OrderID = "9"
	require.NoError(t, j.Save(ctx, st), "a second save by the same worker follows its own resourceVersion")

	got := &cmapi.CertificateRequest{}
	require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(cr), got))
	loaded, err := Load(got)
	require.NoError(t, err)
	assert.Equal(t, "9", loaded.OrderID)
	assert.Equal(t, "7", loaded.Name("a.example").OrderID)

	other := &Journal{Client: c, Object: stale}
	err = other.Save(ctx, ca.NewState("sslci", time.Now()))
	require.Error(t, err)
	assert.True(t, apierrors.IsConflict(err), "a worker holding a stale copy must be refused: %v", err)
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantNil bool
		wantErr string
	}{
		{name: "absent", wantNil: true},
		{name: "garbage", value: "{", wantErr: "not valid JSON"},
		{name: "future version", value: `{"v":9,"provider":"sslci"}`, wantErr: "version 9"},
		{name: "no provider", value: `{"v":1}`, wantErr: "names no provider"},
		{name: "valid", value: `{"v":1,"provider":"sslci","orderID":"3"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr := &cmapi.CertificateRequest{}
			if tt.value != "" {
				cr.Annotations = map[string]string{StateAnnotation: tt.value}
			}
			st, err := Load(cr)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.ErrorContains(t, err, StateAnnotation)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantNil, st == nil)
		})
	}
}
