# The real-package repository (Debian packages converted with alien, see
# examples/repo-real/README.md). Included from the top-level Makefile.
REAL_REPO ?= build/real-repo

.PHONY: real-repo
real-repo: ## build the real-package RPM repository (Debian packages via alien) into $(REAL_REPO)
	bench/corpus/build-repo.sh $(REAL_REPO)
