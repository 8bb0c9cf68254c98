# reseller-issuer. The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

# Pinned tools (versions in e2e/scripts/tool.sh), built once into ~/.cache/reseller-issuer.
TOOL           := e2e/scripts/tool.sh
CONTROLLER_GEN := $(shell $(TOOL) --path controller-gen)
GOLANGCI_LINT  := $(shell $(TOOL) --path golangci-lint)
HELM           := $(shell $(TOOL) --path helm)
KUBECONFORM    := $(shell $(TOOL) --path kubeconform)
PROMTOOL       := $(shell $(TOOL) --path promtool)
CHART          := deploy/charts/reseller-issuer
FUZZTIME       ?= 60s
IMAGE          ?= reseller-issuer:dev
export GOFLAGS ?= -buildvcs=false

# Every target but image and clean needs Go: without a Go that can build the
# module, stop before anything else with the one line need-go.sh prints.
ifneq ($(filter-out image clean,$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
NO_GO := $(shell e2e/scripts/need-go.sh 2>&1 >/dev/null)
$(if $(NO_GO),$(error $(NO_GO)))
endif

.PHONY: build generate verify lint test test-bench test-unit test-integration test-chart test-e2e test-fuzz test-chaos demo bench assets knot cc prerequisites tools image clean

build: ## Build reseller-issuer and reseller-sandbox into bin/.
	go build -o bin/ ./cmd/...

$(CONTROLLER_GEN) $(GOLANGCI_LINT) $(HELM) $(KUBECONFORM) $(PROMTOOL):
	@$(TOOL) $(notdir $@) >/dev/null

tools: $(CONTROLLER_GEN) $(GOLANGCI_LINT) $(HELM) $(KUBECONFORM) $(PROMTOOL) ## Build the pinned tools once into ~/.cache/reseller-issuer.

generate: $(CONTROLLER_GEN) $(HELM) ## Regenerate deepcopy, CRDs, RBAC, the chart's copies of them and the plain manifest.
	$(CONTROLLER_GEN) object paths=./api/...
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:dir=deploy/crds
	$(CONTROLLER_GEN) rbac:roleName=reseller-issuer paths=./internal/... paths=./cmd/... output:rbac:dir=deploy/rbac
	HELM=$(HELM) e2e/scripts/chart-files.sh

verify: generate ## Fail when generated files are stale.
	@git diff --exit-code -- api deploy || { echo "generated files are stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- api deploy)" || { git status --porcelain -- api deploy; echo "untracked generated files: run 'make generate' and commit"; exit 1; }

lint: $(GOLANGCI_LINT) ## Lint with golangci-lint v2.15.0.
	$(GOLANGCI_LINT) run ./...
	$(GOLANGCI_LINT) run --build-tags integration,e2e ./...

assets: ## Install/build etcd, kube-apiserver, kubectl, helm, kubeconform, promtool: prints the envtest assets folder.
	@e2e/scripts/assets.sh

knot: ## Knot DNS for the RFC 2136 tests (Debian's knot; installed when possible).
	@why="$$(e2e/scripts/debian.sh knotd knot knot-dnsutils)" || { echo "knotd is missing$${why:+ and apt-get failed ($$why)}: install Debian's knot (sudo apt-get install knot knot-dnsutils)" >&2; exit 1; }

cc: ## A C compiler: go test -race needs cgo (Debian's gcc; installed when possible).
	@why="$$(e2e/scripts/debian.sh gcc gcc libc6-dev)" || { echo "gcc is missing (go test -race needs cgo)$${why:+ and apt-get failed ($$why)}: install Debian's gcc (sudo apt-get install gcc libc6-dev)" >&2; exit 1; }

# What make test needs, had (or found missing) before the first test runs.
prerequisites: cc knot
	@e2e/scripts/assets.sh >/dev/null

test: prerequisites test-unit test-integration test-chart test-e2e test-bench ## Unit, integration (envtest), chart, e2e tests and the CI-sized bench.

test-unit: cc ## Fast tests, no binaries.
	go test -race -count=1 ./...

# Each recipe resolves the assets on a line of its own: a failure there stops
# the recipe at once (inside a command's environment it would be ignored).
test-integration: knot ## CRD validation and signer against envtest.
	assets="$$(e2e/scripts/assets.sh)"; \
	KUBEBUILDER_ASSETS="$$assets" go test -count=1 -tags integration ./api/... ./internal/...

test-chart: ## helm lint, helm template + kubeconform, bad values, alert rules (promtool), helm install into a local kube-apiserver.
	assets="$$(e2e/scripts/assets.sh)"; \
	KUBEBUILDER_ASSETS="$$assets" go test -count=1 -tags e2e -v ./e2e/chart/

test-e2e: knot ## The real stack: kube-apiserver, cert-manager, reseller-issuer, sandbox, Knot DNS.
	assets="$$(e2e/scripts/assets.sh)"; \
	KUBEBUILDER_ASSETS="$$assets" go test -count=1 -tags e2e -timeout 40m -v $$(go list -tags e2e ./e2e/... | grep -v -e '/e2e/chart$$' -e '/e2e/scripts$$')

test-fuzz: ## Run each fuzz target for $(FUZZTIME) (the seed corpora run in test-unit).
	go test -run=^$$ -fuzz=^FuzzDecodeState$$ -fuzztime=$(FUZZTIME) ./internal/ca
	go test -run=^$$ -fuzz=^FuzzClientResponses$$ -fuzztime=$(FUZZTIME) ./internal/ca/sslci
	go test -run=^$$ -fuzz=^FuzzClientResponses$$ -fuzztime=$(FUZZTIME) ./internal/ca/sslmarket
	go test -run=^$$ -fuzz=^FuzzClientResponses$$ -fuzztime=$(FUZZTIME) ./internal/ca/cyberssl

test-chaos: knot ## SIGKILL chaos at scale: per reseller 60 Certificates, 60 renewals, 34 kills inside paid-call windows (102 in all), two replicas.
	assets="$$(e2e/scripts/assets.sh)"; \
	KUBEBUILDER_ASSETS="$$assets" CHAOS_CERTIFICATES=$${CHAOS_CERTIFICATES:-60} CHAOS_RENEWALS=$${CHAOS_RENEWALS:-60} CHAOS_KILLS=$${CHAOS_KILLS:-34} \
		go test -count=1 -tags e2e -timeout 60m -v -run 'TestChaos' ./e2e/

# Built, then run: go run exits 1 when interrupted, so the Ctrl-C that ends
# KEEP=1 would read as a failure of a demo that tore its stack down cleanly.
demo: ## Local control plane + cert-manager + issuer + sandbox issuing real certificates (KEEP=1 keeps it up).
	assets="$$(e2e/scripts/assets.sh)"; \
	go build -o bin/demo ./e2e/cmd/demo; \
	KUBEBUILDER_ASSETS="$$assets" bin/demo

image: ## Build the controller image with docker or podman (IMAGE=name:tag).
	@engine="$$(command -v docker || command -v podman || true)"; \
	if [[ -z "$$engine" ]] || ! "$$engine" info >/dev/null 2>&1; then \
		echo "no container engine: install and start docker or podman to build the image"; exit 1; fi; \
	"$$engine" build -t $(IMAGE) .

bench: ## N one-name Certificates at once per phase (CA issuer, then each reseller); BENCH_FLAGS="-n 200 -runs 3".
	assets="$$(e2e/scripts/assets.sh)"; \
	KUBEBUILDER_ASSETS="$$assets" go run ./e2e/cmd/bench $(BENCH_FLAGS)

test-bench: knot ## The bench at CI size: 20 Certificates per reseller; fails on counts (orders, reseller calls, API requests per Certificate), never on times.
	assets="$$(e2e/scripts/assets.sh)"; \
	KUBEBUILDER_ASSETS="$$assets" go run ./e2e/cmd/bench -n 20 -phases sslci,sslmarket,cyberssl -settle 5s -assert-calls -max-api-per-cert sslci=10,sslmarket=10.5,cyberssl=10

clean:
	rm -rf bin
