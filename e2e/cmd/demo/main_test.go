package main

import (
	"strings"
	"testing"
)

func TestPrintNextStep(t *testing.T) {
	for _, tc := range []struct {
		name          string
		keep          bool
		want, notWant string
	}{
		{name: "torn down: no kubeconfig of a stopped apiserver", keep: false, want: "KEEP=1 make demo", notWant: "/tmp/demo/kubeconfig"},
		{name: "kept up: the kubeconfig and a kubectl command", keep: true, want: "export KUBECONFIG=/tmp/demo/kubeconfig", notWant: "KEEP=1 make demo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			printNextStep(&b, tc.keep, "/tmp/demo/kubeconfig", "/assets/kubectl")
			if !strings.Contains(b.String(), tc.want) {
				t.Errorf("output %q lacks %q", b.String(), tc.want)
			}
			if strings.Contains(b.String(), tc.notWant) {
				t.Errorf("output %q has %q", b.String(), tc.notWant)
			}
		})
	}
}
