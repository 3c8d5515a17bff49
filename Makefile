# disco — run `make help` for the targets.
GO ?= go
export GOFLAGS ?= -buildvcs=false

.PHONY: help deps build test lint race bench example example-standin example-repo
help: ## show this help
	@awk -F':.*## ' '/^[a-z-]+:.*## /{n++; t[n]=$$1; h[n]=$$2; if (length($$1) > w) w = length($$1)} \
		END {for (i = 1; i <= n; i++) printf "  %-*s  %s\n", w, t[i], h[i]}' $(MAKEFILE_LIST)

build: ## build bin/disco and, beside it, bin/disco-init (the initramfs /init)
	$(GO) build -o bin/disco ./cmd/disco
	$(GO) run ./internal/mkinit bin/disco-init

test: real-repo ## run every test (goldens, oracles against rpm/dnf/e2fsprogs, boots of the real-package examples)
	$(GO) test ./...

lint: ## gofmt, go vet, and go.mod tidiness
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt wants to change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy && git diff --exit-code go.mod go.sum || (echo "go mod tidy changed go.mod/go.sum"; exit 1)

race: ## run the race detector where goroutines meet (fetch, store)
	$(GO) test -race ./stages/fetch/... ./stages/store/... ./stages/cachelock/...

bench: ## disco vs mkosi, dnf, the hand pipeline (bench/bench.sh; root, make real-repo first; BENCH_ROUNDS=5), then bench-debian
	bench/bench.sh
	bench/debian-lock.sh

.PHONY: bench-debian
bench-debian: ## disco lock of a Debian server against bookworm main beside apt-get on the same index (bench/debian-lock.sh)
	bench/debian-lock.sh

.PHONY: bench-go
bench-go: ## Go benchmarks (eval of 1,000 machines, parsers, writers)
	$(GO) test -run '^$$' -bench . -benchtime 3x ./runtime/... ./stages/...

example-repo: ## build the examples' stand-in RPM repository into build/repo
	$(GO) run ./internal/rpmtest/mkrepo examples/repo.txt build/repo

example: build real-repo ## build the real-package repository, then build and boot examples/boot
	bin/disco -C examples/boot lock
	bin/disco -C examples/boot build
	bin/disco -C examples/boot test

example-standin: build example-repo ## lock and build the stand-in examples (starlark, legacy) against build/repo
	bin/disco -C examples/starlark lock
	bin/disco -C examples/starlark build
	bin/disco -C examples/legacy lock
	bin/disco -C examples/legacy build

deps: ## install the Debian/Ubuntu packages the tests and builds use (needs root or sudo; skipped when all are there)
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${db:Status-Abbrev}' "$$p" 2>/dev/null | grep -q '^ii' || echo "$$p"; done); \
	if [ -z "$$missing" ]; then echo "deps: all $(words $(DEB_PACKAGES)) packages are installed"; exit 0; fi; \
	echo "deps: installing" $$missing; \
	echo "deps: apt-get update ..."; \
	$(SUDO) apt-get update -q && \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing && \
	echo "deps: done"

DEB_PACKAGES = git make rpm createrepo-c dnf python3-rpm python3-dnf e2fsprogs squashfs-tools \
	qemu-utils gdisk fdisk dosfstools mtools gnupg zstd xz-utils busybox-static cpio libcap2-bin attr file qemu-system-x86 ovmf linux-image-amd64 alien kmod binutils \
	dpkg apt gpgv python3-apt debian-archive-keyring bzip2 python3 dose-distcheck
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

include bench/corpus/corpus.mk
