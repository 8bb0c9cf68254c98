package framework

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Lines as kube-apiserver 1.36 writes them (shortened).
const (
	allowedLine   = `{"kind":"Event","verb":"get","user":{"username":"system:serviceaccount:reseller-issuer:reseller-issuer"},"objectRef":{"resource":"secrets","namespace":"a","name":"t"},"responseStatus":{"code":200},"annotations":{"authorization.k8s.io/decision":"allow"}}`
	forbiddenLine = `{"kind":"Event","verb":"get","user":{"username":"system:serviceaccount:reseller-issuer:reseller-issuer"},"objectRef":{"resource":"secrets","namespace":"missing-permission","name":"sslci-token","apiVersion":"v1"},"responseStatus":{"status":"Failure","reason":"Forbidden","code":403},"annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""}}`
	rejectedLine  = `{"kind":"Event","verb":"update","user":{"username":"system:serviceaccount:cert-manager:cert-manager"},"objectRef":{"resource":"certificaterequests","namespace":"approver","name":"shop-1","apiGroup":"cert-manager.io","subresource":"status"},"responseStatus":{"message":"denied request: may not approve","code":403},"annotations":{"authorization.k8s.io/decision":"allow"}}`
	livezLine     = `{"kind":"Event","verb":"head","user":{"username":"system:serviceaccount:cert-manager:cert-manager"},"requestURI":"/livez/ping","responseStatus":{"code":403},"annotations":{"authorization.k8s.io/decision":"forbid"}}`
)

func TestAuditLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	appendText := func(text string) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		require.NoError(t, err)
		_, err = f.WriteString(text)
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	write := func(lines ...string) {
		for _, l := range lines {
			appendText(l + "\n")
		}
	}
	a := &AuditLog{Path: path}
	denials, err := a.Denials()
	require.NoError(t, err)
	assert.Empty(t, denials, "no log yet")

	write(allowedLine, forbiddenLine, rejectedLine, livezLine)
	denials, err = a.Denials()
	require.NoError(t, err)
	require.Len(t, denials, 1, "only RBAC refusals of resources are denials")
	assert.Equal(t, `system:serviceaccount:reseller-issuer:reseller-issuer may not get secrets (core) named "sslci-token" in namespace "missing-permission"`, denials[0].String())

	rejections, err := a.Rejections()
	require.NoError(t, err)
	require.Len(t, rejections, 1)
	assert.Equal(t, Refusal{User: "system:serviceaccount:cert-manager:cert-manager", Verb: "update", Group: "cert-manager.io",
		Resource: "certificaterequests", Subresource: "status", Namespace: "approver", Name: "shop-1",
		Admission: true, Message: "denied request: may not approve"}, rejections[0])

	require.NoError(t, a.Forgive())
	denials, err = a.Denials()
	require.NoError(t, err)
	assert.Empty(t, denials, "forgiven")

	appendText(forbiddenLine[:40]) // a line the API server is still writing
	denials, err = a.Denials()
	require.NoError(t, err)
	assert.Empty(t, denials)
	write(forbiddenLine[40:])
	denials, err = a.Denials()
	require.NoError(t, err)
	assert.Len(t, denials, 1, "the line is read once complete")
}
