package aptsolve

// ResolveTrace is Resolve with a trace of the marking (tests).
func ResolveTrace(u *Universe, requests []string, opt Options, trace func(string)) ([]Package, error) {
	return resolve(u, requests, opt, trace)
}
