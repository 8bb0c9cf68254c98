package framework

import (
	"context"
	"fmt"
	"os"

	authenticationv1 "k8s.io/api/authentication/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
)

// AdminUser is the test harness's own identity: a user with a client
// certificate, bound to the cluster-admin ClusterRole. Nothing under test
// runs as it.
const AdminUser = "reseller-e2e-admin"

// tokenLifetime is how long the ServiceAccount tokens of the components
// under test are valid: longer than any test run or kept demo.
const tokenLifetime = 7 * 24 * 60 * 60

// bindClusterAdmin binds user to cluster-admin. bootstrap is the only
// identity that can do it on a fresh cluster: the one envtest provisions for
// itself to install the CRDs.
func bindClusterAdmin(ctx context.Context, bootstrap *rest.Config, user string) error {
	kube, err := kubernetes.NewForConfig(bootstrap)
	if err != nil {
		return err
	}
	_, err = kube.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("binding %s to cluster-admin: %w", user, err)
	}
	return nil
}

// ServiceAccountKubeconfig writes to path a kubeconfig that authenticates
// as the ServiceAccount namespace/name with a token from the TokenRequest
// API, as a pod's projected token would. The ServiceAccount must exist (a
// chart creates it).
func (cp *ControlPlane) ServiceAccountKubeconfig(ctx context.Context, namespace, name, path string) error {
	kube, err := kubernetes.NewForConfig(cp.Config)
	if err != nil {
		return err
	}
	tr, err := kube.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, name, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](tokenLifetime)},
	}, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("requesting a token for ServiceAccount %s/%s: %w", namespace, name, err)
	}
	user := "system:serviceaccount:" + namespace + ":" + name
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["local"] = &clientcmdapi.Cluster{Server: cp.Config.Host, CertificateAuthorityData: cp.Config.CAData}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	cfg.Contexts["local"] = &clientcmdapi.Context{Cluster: "local", AuthInfo: user}
	cfg.CurrentContext = "local"
	out, err := clientcmd.Write(*cfg)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o600)
}
