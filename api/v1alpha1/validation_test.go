//go:build integration

package v1alpha1_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"
)

const (
	examplesDir = "../../deploy/examples"
	// clusterResourceNamespace is the controller's default
	// --cluster-resource-namespace: where ResellerClusterIssuer Secrets live.
	clusterResourceNamespace = "reseller-issuer"
)

var (
	k8s client.Client
	// issuerKinds are the two kinds sharing IssuerSpec.
	issuerKinds = []string{"ResellerIssuer", "ResellerClusterIssuer"}
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set: it must name a folder holding kube-apiserver, etcd and kubectl,\n"+
			"e.g. KUBEBUILDER_ASSETS=\"$(bash e2e/scripts/assets.sh)\" go test -tags integration ./api/v1alpha1/")
		return 1
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:        []string{"../../deploy/crds"},
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: 2 * time.Minute, // shared, slow machines
		ControlPlaneStopTimeout:  time.Minute,
	}
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting envtest (KUBEBUILDER_ASSETS=%s): %v\n", os.Getenv("KUBEBUILDER_ASSETS"), err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping envtest: %v\n", err)
		}
	}()
	k8s, err = client.New(cfg, client.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "creating client: %v\n", err)
		return 1
	}
	if err := prepareNamespaces(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// prepareNamespaces waits for the apiserver's "default" namespace and creates
// the cluster resource namespace the cluster-issuer examples put Secrets in.
func prepareNamespaces() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		return k8s.Get(ctx, client.ObjectKey{Name: "default"}, &corev1.Namespace{}) == nil, nil
	})
	if err != nil {
		return fmt.Errorf("namespace default never appeared: %w", err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: clusterResourceNamespace}}
	if err := k8s.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", clusterResourceNamespace, err)
	}
	return nil
}

// dryRunCreate sends obj to the API server as a server-side dry-run create
// with strict field validation (unknown or duplicate fields are errors).
func dryRunCreate(t *testing.T, obj *unstructured.Unstructured) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return k8s.Create(ctx, obj, client.DryRunAll, client.FieldValidation(metav1.FieldValidationStrict))
}

// ---------------------------------------------------------------------------
// (a) every example is accepted.

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// readDocuments splits a multi-document YAML file and decodes each non-empty
// document with sigs.k8s.io/yaml (strictly: duplicate keys are errors).
func readDocuments(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var objs []*unstructured.Unstructured
	for i, doc := range docSeparator.Split(string(data), -1) {
		js, err := yaml.YAMLToJSONStrict([]byte(doc))
		require.NoError(t, err, "%s: document %d", path, i)
		if string(js) == "null" {
			continue // only comments or blank
		}
		obj := &unstructured.Unstructured{}
		require.NoError(t, obj.UnmarshalJSON(js), "%s: document %d", path, i)
		objs = append(objs, obj)
	}
	return objs
}
