// Command reseller-issuer is the cert-manager external issuer that buys
// certificates from SSL resellers.
package main

import (
	"fmt"
	"os"

	ctrl "sigs.k8s.io/controller-runtime"
)

func main() {
	setGCPercent(os.LookupEnv)
	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := run(ctrl.SetupSignalHandler(), opts); err != nil {
		fmt.Fprintln(os.Stderr, "reseller-issuer:", err)
		os.Exit(1)
	}
}
