# The real-package repository (Debian packages converted with alien, see
# examples/repo-real/README.md). Included from the top-level Makefile.
REAL_REPO ?= build/real-repo

.PHONY: real-repo
real-repo: ## build the real-package RPM repository (Debian packages via alien) into REAL_REPO=build/real-repo
	bench/corpus/build-repo.sh $(REAL_REPO)

.PHONY: real-repo-boot
real-repo-boot: real-repo ## boot the real repo's kernel, busybox and systemd-boot under qemu (TCG, OVMF)
	bench/corpus/boot-smoke.sh $(REAL_REPO)
