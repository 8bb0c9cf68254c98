# reseller-issuer. The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

CACHE          ?= $(HOME)/.cache/reseller-issuer
TOOLS          := $(CACHE)/tools
CONTROLLER_GEN := $(TOOLS)/controller-gen-v0.21.0/controller-gen
GOLANGCI_LINT  := $(TOOLS)/golangci-lint-v2.15.0/golangci-lint
KUBE_VERSION   ?= v1.36.3
FUZZTIME       ?= 60s
export GOFLAGS ?= -buildvcs=false

.PHONY: build generate verify lint test test-unit test-integration test-e2e test-fuzz test-chaos demo bench assets tools clean

build: ## Build reseller-issuer and reseller-sandbox into bin/.
	go build -o bin/ ./cmd/...

$(CONTROLLER_GEN):
	GOBIN=$(dir $@) go install sigs.k8s.io/controller-tools/cmd/controller-gen@v0.21.0

$(GOLANGCI_LINT):
	e2e/scripts/golangci-lint.sh $(dir $@)

tools: $(CONTROLLER_GEN) $(GOLANGCI_LINT) ## Build the pinned tools once into $(CACHE).

generate: $(CONTROLLER_GEN) ## Regenerate deepcopy, CRDs and RBAC.
	$(CONTROLLER_GEN) object paths=./api/...
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:dir=deploy/crds
	$(CONTROLLER_GEN) rbac:roleName=reseller-issuer paths=./internal/... paths=./cmd/... output:rbac:dir=deploy/rbac

verify: generate ## Fail when generated files are stale.
	@git diff --exit-code -- api deploy || { echo "generated files are stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- api deploy)" || { git status --porcelain -- api deploy; echo "untracked generated files: run 'make generate' and commit"; exit 1; }

lint: $(GOLANGCI_LINT) ## Lint with golangci-lint v2.15.0.
	$(GOLANGCI_LINT) run ./...
	$(GOLANGCI_LINT) run --build-tags integration,e2e ./...

assets: ## Build/cache kube-apiserver and kubectl, link etcd: prints the envtest assets folder.
	@e2e/scripts/assets.sh

test: test-unit test-integration test-e2e ## Unit, integration (envtest) and e2e tests.

test-unit: ## Fast tests, no binaries.
	go test -race -count=1 ./...

test-integration: ## CRD validation and signer against envtest.
	KUBEBUILDER_ASSETS="$$(e2e/scripts/assets.sh)" go test -count=1 -tags integration ./api/... ./internal/...

test-e2e: ## The real stack: kube-apiserver, cert-manager, reseller-issuer, sandbox.
	KUBEBUILDER_ASSETS="$$(e2e/scripts/assets.sh)" go test -count=1 -tags e2e -timeout 40m -v ./e2e/...

test-fuzz: ## Run each fuzz target for $(FUZZTIME) (the seed corpora run in test-unit).
	go test -run=^$$ -fuzz=^FuzzDecodeState$$ -fuzztime=$(FUZZTIME) ./internal/ca
	go test -run=^$$ -fuzz=^FuzzClientResponses$$ -fuzztime=$(FUZZTIME) ./internal/ca/sslci
	go test -run=^$$ -fuzz=^FuzzClientResponses$$ -fuzztime=$(FUZZTIME) ./internal/ca/sslmarket
	go test -run=^$$ -fuzz=^FuzzClientResponses$$ -fuzztime=$(FUZZTIME) ./internal/ca/cyberssl

test-chaos: ## SIGKILL chaos at scale: 34 Certificates and 34 kills per reseller (102 kills), two replicas.
	KUBEBUILDER_ASSETS="$$(e2e/scripts/assets.sh)" CHAOS_CERTIFICATES=$${CHAOS_CERTIFICATES:-34} CHAOS_KILLS=$${CHAOS_KILLS:-34} \
		go test -count=1 -tags e2e -timeout 60m -v -run 'TestChaos' ./e2e/

demo: ## Local control plane + cert-manager + issuer + sandbox issuing real certificates (KEEP=1 keeps it up).
	KUBEBUILDER_ASSETS="$$(e2e/scripts/assets.sh)" go run ./e2e/cmd/demo

bench: ## N one-name Certificates at once per phase (CA issuer, then each reseller); BENCH_FLAGS="-n 200 -runs 3".
	KUBEBUILDER_ASSETS="$$(e2e/scripts/assets.sh)" go run ./e2e/cmd/bench $(BENCH_FLAGS)

clean:
	rm -rf bin
