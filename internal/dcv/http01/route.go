package http01

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// ChallengeLabel is set, to the ResellerChallenge's name, on every object
// Routes publishes for it.
const ChallengeLabel = "reseller-issuer.dev/challenge"

// ingressClassAnnotation is the legacy way to choose an Ingress controller.
const ingressClassAnnotation = "kubernetes.io/ingress.class"

// servicePortName names the ExternalName Service's only port.
const servicePortName = "http"

// The objects Routes manages. The role also needs to update the finalizers of
// the ResellerChallenges it sets as controlling owners (blockOwnerDeletion),
// where the OwnerReferencesPermissionEnforcement admission plugin is enabled.
//
// +kubebuilder:rbac:groups="",resources=services,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingresses,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=httproutes,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerchallenges/finalizers,verbs=update

// Routes publishes, per challenge, what routes the reseller's HTTP check for
// http://<name><path> to the responder: an ExternalName Service pointing at the
// responder's Service, and an Ingress or a Gateway API HTTPRoute.
//
// Every object is named like the challenge, lives in its namespace, carries
// ChallengeLabel and is controlled by it, so the garbage collector removes
// what CleanUp missed. Objects of that name which the challenge does not
// control are never changed nor deleted.
type Routes struct {
	// Client reads and writes the objects; its scheme must know the core,
	// networking/v1, gateway.networking.k8s.io/v1 and reseller-issuer.dev
	// kinds. A client that reads from the API server rather than the
	// manager's cache avoids caching every Service, Ingress and HTTPRoute of
	// the cluster.
	Client client.Client
	// ServiceHost is the responder Service's DNS name, e.g.
	// reseller-issuer-http01.reseller-issuer.svc.cluster.local.
	ServiceHost string
	// ServicePort is its port (80).
	ServicePort int32
}

// Present creates or updates, in ch's namespace and named ch.Name, an ExternalName Service and,
// per solver, an Ingress (solver.Ingress != nil) or an HTTPRoute (solver.GatewayHTTPRoute != nil), all
// controlled by ch (owner reference with controller=true, blockOwnerDeletion=true). Nothing when the
// solver has neither (the user routes to the responder themselves).
//
// Labels and annotations of the objects are the solver's plus ChallengeLabel,
// which user labels cannot override; a label or annotation removed from the
// solver is removed from the object. An Ingress of ch is deleted when the
// solver now asks for an HTTPRoute, and the other way round.
func (r *Routes) Present(ctx context.Context, ch *v1alpha1.ResellerChallenge, solver *v1alpha1.HTTP01Solver) error {
	if err := validate(ch); err != nil {
		return err
	}
	if solver == nil || (solver.Ingress == nil && solver.GatewayHTTPRoute == nil) {
		return nil
	}
	if r.ServiceHost == "" || r.ServicePort <= 0 {
		return fmt.Errorf("routing ResellerChallenge %s/%s: the HTTP-01 responder Service is not configured (host %q, port %d)", ch.Namespace, ch.Name, r.ServiceHost, r.ServicePort)
	}
	if err := r.presentService(ctx, ch); err != nil {
		return err
	}
	if solver.Ingress != nil {
		if err := r.presentIngress(ctx, ch, solver.Ingress); err != nil {
			return err
		}
		return r.remove(ctx, ch, &gatewayv1.HTTPRoute{}, "HTTPRoute")
	}
	if err := r.presentHTTPRoute(ctx, ch, solver.GatewayHTTPRoute); err != nil {
		return err
	}
	return r.remove(ctx, ch, &networkingv1.Ingress{}, "Ingress")
}

// CleanUp deletes the Service, Ingress and HTTPRoute of ch; absent objects, and an API server without
// the HTTPRoute kind (no CRD installed), are not errors.
func (r *Routes) CleanUp(ctx context.Context, ch *v1alpha1.ResellerChallenge) error {
	return errors.Join(
		r.remove(ctx, ch, &networkingv1.Ingress{}, "Ingress"),
		r.remove(ctx, ch, &gatewayv1.HTTPRoute{}, "HTTPRoute"),
		r.remove(ctx, ch, &corev1.Service{}, "Service"),
	)
}

func validate(ch *v1alpha1.ResellerChallenge) error {
	ref := "ResellerChallenge " + ch.Namespace + "/" + ch.Name
	switch {
	case ch.Spec.HTTP01 == nil:
		return fmt.Errorf("%s has no HTTP-01 challenge (spec.http01 is not set)", ref)
	case !strings.HasPrefix(ch.Spec.HTTP01.Path, "/"):
		return fmt.Errorf("%s: HTTP-01 path %q is not absolute", ref, ch.Spec.HTTP01.Path)
	case ch.Spec.DNSName == "":
		return fmt.Errorf("%s has no DNS name", ref)
	case strings.HasPrefix(ch.Spec.DNSName, "*."):
		return fmt.Errorf("%s: HTTP-01 cannot validate the wildcard name %s", ref, ch.Spec.DNSName)
	}
	return nil
}

func (r *Routes) presentService(ctx context.Context, ch *v1alpha1.ResellerChallenge) error {
	svc := &corev1.Service{ObjectMeta: objectMeta(ch)}
	return r.createOrUpdate(ctx, ch, svc, "Service", func() {
		svc.Labels = challengeLabels(nil, ch)
		svc.Spec.Type = corev1.ServiceTypeExternalName
		svc.Spec.ExternalName = r.ServiceHost
		// Written as the API server defaults them, so an unchanged
		// Service compares equal.
		svc.Spec.Ports = []corev1.ServicePort{{
			Name:       servicePortName,
			Protocol:   corev1.ProtocolTCP,
			Port:       r.ServicePort,
			TargetPort: intstr.FromInt32(r.ServicePort),
		}}
	})
}

func (r *Routes) presentIngress(ctx context.Context, ch *v1alpha1.ResellerChallenge, settings *v1alpha1.HTTP01Ingress) error {
	ing := &networkingv1.Ingress{ObjectMeta: objectMeta(ch)}
	return r.createOrUpdate(ctx, ch, ing, "Ingress", func() {
		ing.Labels = challengeLabels(settings.Labels, ch)
		annotations := maps.Clone(settings.Annotations)
		if settings.Class != nil {
			if annotations == nil {
				annotations = map[string]string{}
			}
			annotations[ingressClassAnnotation] = *settings.Class
		}
		ing.Annotations = annotations
		var class *string
		if settings.IngressClassName != nil {
			class = ptr.To(*settings.IngressClassName)
		}
		ing.Spec = networkingv1.IngressSpec{
			IngressClassName: class,
			Rules: []networkingv1.IngressRule{{
				Host: ch.Spec.DNSName,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{
						Path:     ch.Spec.HTTP01.Path,
						PathType: ptr.To(networkingv1.PathTypeExact),
						Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
							Name: ch.Name,
							Port: networkingv1.ServiceBackendPort{Number: r.ServicePort},
						}},
					}},
				}},
			}},
		}
	})
}

func (r *Routes) presentHTTPRoute(ctx context.Context, ch *v1alpha1.ResellerChallenge, settings *v1alpha1.HTTP01GatewayHTTPRoute) error {
	route := &gatewayv1.HTTPRoute{ObjectMeta: objectMeta(ch)}
	return r.createOrUpdate(ctx, ch, route, "HTTPRoute", func() {
		route.Labels = challengeLabels(settings.Labels, ch)
		parents := make([]gatewayv1.ParentReference, 0, len(settings.ParentRefs))
		for _, p := range settings.ParentRefs {
			parent := gatewayv1.ParentReference{
				Group: ptr.To(gatewayv1.Group(gatewayv1.GroupName)),
				Kind:  ptr.To(gatewayv1.Kind("Gateway")),
				Name:  gatewayv1.ObjectName(p.Name),
			}
			if p.Namespace != "" {
				parent.Namespace = ptr.To(gatewayv1.Namespace(p.Namespace))
			}
			if p.SectionName != "" {
				parent.SectionName = ptr.To(gatewayv1.SectionName(p.SectionName))
			}
			parents = append(parents, parent)
		}
		route.Spec.ParentRefs = parents
		route.Spec.Hostnames = []gatewayv1.Hostname{gatewayv1.Hostname(ch.Spec.DNSName)}
		// Group, kind and weight are written as the CRD defaults them, so
		// an unchanged HTTPRoute compares equal.
		route.Spec.Rules = []gatewayv1.HTTPRouteRule{{
			Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{
				Type:  ptr.To(gatewayv1.PathMatchExact),
				Value: ptr.To(ch.Spec.HTTP01.Path),
			}}},
			BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
				BackendObjectReference: gatewayv1.BackendObjectReference{
					Group: ptr.To(gatewayv1.Group("")),
					Kind:  ptr.To(gatewayv1.Kind("Service")),
					Name:  gatewayv1.ObjectName(ch.Name),
					Port:  ptr.To(r.ServicePort),
				},
				Weight: ptr.To[int32](1),
			}}},
		}}
	})
}

func objectMeta(ch *v1alpha1.ResellerChallenge) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ch.Namespace, Name: ch.Name}
}

// challengeLabels returns labels plus ChallengeLabel, which wins.
func challengeLabels(labels map[string]string, ch *v1alpha1.ResellerChallenge) map[string]string {
	out := make(map[string]string, len(labels)+1)
	maps.Copy(out, labels)
	out[ChallengeLabel] = ch.Name
	return out
}

// createOrUpdate writes obj, made controlled by ch, after mutate set its
// desired state; an unchanged object is not written. An existing object that
// ch does not control is an error.
func (r *Routes) createOrUpdate(ctx context.Context, ch *v1alpha1.ResellerChallenge, obj client.Object, kind string, mutate func()) error {
	op := "getting"
	_, err := controllerutil.CreateOrUpdate(ctx, r.Client, obj, func() error {
		if obj.GetResourceVersion() == "" {
			op = "creating"
		} else {
			op = "updating"
			if !metav1.IsControlledBy(obj, ch) {
				return fmt.Errorf("it exists and is not controlled by ResellerChallenge %s/%s (uid %s)", ch.Namespace, ch.Name, ch.UID)
			}
		}
		mutate()
		return controllerutil.SetControllerReference(ch, obj, r.Client.Scheme())
	})
	if err != nil {
		return fmt.Errorf("%s %s %s/%s: %w", op, kind, obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// remove deletes ch's object of obj's kind if ch controls it. An absent
// object or kind is not an error.
func (r *Routes) remove(ctx context.Context, ch *v1alpha1.ResellerChallenge, obj client.Object, kind string) error {
	key := client.ObjectKey{Namespace: ch.Namespace, Name: ch.Name}
	if err := r.Client.Get(ctx, key, obj); err != nil {
		if apierrors.IsNotFound(err) || meta.IsNoMatchError(err) {
			return nil
		}
		return fmt.Errorf("getting %s %s: %w", kind, key, err)
	}
	if !metav1.IsControlledBy(obj, ch) {
		return nil
	}
	err := r.Client.Delete(ctx, obj, client.Preconditions{UID: ptr.To(obj.GetUID())})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s %s: %w", kind, key, err)
	}
	return nil
}
