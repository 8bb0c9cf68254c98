package health

import (
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
)

// eventChecked is the reason of issuer-lib's Event after a good check.
const eventChecked = "Checked"

// QuietRecorder passes Events on, except issuer-lib's "Checked" Event for
// an Issuer that was already Ready: with periodic checks it would repeat
// every interval and say nothing new.
type QuietRecorder struct {
	events.EventRecorder
}

// Eventf implements events.EventRecorder.
func (r QuietRecorder) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	if i, ok := regarding.(issuerapi.Issuer); ok && eventtype == corev1.EventTypeNormal && reason == eventChecked && isReady(i) {
		return
	}
	r.EventRecorder.Eventf(regarding, related, eventtype, reason, action, note, args...)
}
