package order

import (
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

func TestLoadLegacyState(t *testing.T) {
	st := ca.NewState("sslmarket", time.Unix(100, 0).UTC())
	st.OrderID = "9"
	data, err := st.Encode()
	require.NoError(t, err)
	cr := &cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{StateAnnotation: data}}}
	got, err := Load(cr)
	require.NoError(t, err)
	assert.Equal(t, "9", got.OrderID)

	none, err := Load(&cmapi.CertificateRequest{})
	require.NoError(t, err)
	assert.Nil(t, none)

	_, err = Load(&cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{StateAnnotation: "{"}}})
	assert.ErrorContains(t, err, StateAnnotation)
}
