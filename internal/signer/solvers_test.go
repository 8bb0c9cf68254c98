package signer

import (
	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// Issuers with dns01 solvers, for the checks made before ordering.

func dns01Solver(p cmacme.ACMEChallengeSolverDNS01) v1alpha1.Solver {
	return v1alpha1.Solver{DNS01: &v1alpha1.DNS01Solver{ACMEChallengeSolverDNS01: p}}
}

func cloudflareSolver() v1alpha1.Solver {
	return dns01Solver(cmacme.ACMEChallengeSolverDNS01{Cloudflare: &cmacme.ACMEIssuerDNS01ProviderCloudflare{
		APIToken: &cmmeta.SecretKeySelector{LocalObjectReference: cmmeta.LocalObjectReference{Name: "cf"}, Key: "token"},
	}})
}

func rfc2136Solver() v1alpha1.Solver {
	return dns01Solver(cmacme.ACMEChallengeSolverDNS01{RFC2136: &cmacme.ACMEIssuerDNS01ProviderRFC2136{Nameserver: "127.0.0.1:53"}})
}

func route53Ambient() v1alpha1.Solver {
	return dns01Solver(cmacme.ACMEChallengeSolverDNS01{Route53: &cmacme.ACMEIssuerDNS01ProviderRoute53{Region: "eu-west-1"}})
}

func withSolvers(issuer issuerapi.Issuer, solvers ...v1alpha1.Solver) issuerapi.Issuer {
	spec, _ := v1alpha1.SpecOf(issuer)
	spec.DomainValidation = &v1alpha1.DomainValidation{Solvers: solvers}
	return issuer
}

func cybersslIssuer(solvers ...v1alpha1.Solver) issuerapi.Issuer {
	i := namespacedIssuer()
	i.Spec = v1alpha1.IssuerSpec{CyberSSL: &v1alpha1.CyberSSL{
		URL:             "https://cyberssl.test/v1/",
		APIKeySecretRef: v1alpha1.SecretKeySelector{Name: secretName, Key: secretKey},
		ProductID:       1,
		DVMethod:        "http",
	}}
	return withSolvers(i, solvers...)
}
