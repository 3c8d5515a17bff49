package glob

import "testing"

func TestMatch(t *testing.T) {
	cases := []struct {
		pat, p string
		want   bool
	}{
		{"etc/ssh/*_key", "etc/ssh/ssh_host_rsa_key", true},
		{"etc/ssh/*_key", "etc/ssh/x/y_key", false},
		{"srv/**", "srv", true},
		{"srv/**", "srv/a/b/c", true},
		{"**/*.conf", "etc/a.conf", true},
		{"**/*.conf", "a.conf", true},
		{"files/*.conf", "files/sub/a.conf", false},
		{"[", "[", false},
	}
	for _, c := range cases {
		if got := Match(c.pat, c.p); got != c.want {
			t.Errorf("Match(%q, %q) = %v", c.pat, c.p, got)
		}
	}
}
