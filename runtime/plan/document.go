package plan

// Document returns the canonical JSON `disco eval --format json` prints:
// {"machines": [...]} where each machine also carries its "digest".
func Document(machines []*Machine) ([]byte, error) {
	list := make([]any, 0, len(machines))
	for _, m := range machines {
		g, err := toGeneric(m)
		if err != nil {
			return nil, err
		}
		d, err := m.Digest()
		if err != nil {
			return nil, err
		}
		g.(map[string]any)["digest"] = d
		list = append(list, g)
	}
	return encode(map[string]any{"machines": list})
}
