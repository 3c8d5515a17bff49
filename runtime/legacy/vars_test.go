package legacy

import (
	"testing"

	"github.com/disco-build/disco/runtime/plan"
)

func TestVariables(t *testing.T) {
	m := &plan.Machine{Name: "db", Group: "lab", Pos: plan.Pos{File: "machine-groups/lab/machines/db"}}
	v := Variables("/cfg", "/cfg/cache", m)
	want := map[string]string{
		"machine_group_configPath":         "/cfg/machine-groups/lab",
		"machine_configPath":               "/cfg/machine-groups/lab/machines/db",
		"generatedMachineRootOverlaysPath": "/cfg/cache/lab/db/generated",
		"cacheMachineRpmInstallRootPath":   "/cfg/cache/lab/db/root",
		"machineName":                      "db",
	}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	if len(v) != 25 {
		t.Errorf("got %d variables, the contract lists 25", len(v))
	}
	g := GroupVariables("/cfg", "/cfg/cache", m)
	if g["machine_configGeneratorsPath"] != "/cfg/machine-groups/lab/generator-scriptlets" {
		t.Errorf("group scriptlet folder = %q", g["machine_configGeneratorsPath"])
	}
	got := Substitute("baseurl=file://${configPath}/repo/$basearch ${unknown} ${machineName", v)
	if got != "baseurl=file:///cfg/repo/$basearch ${unknown} ${machineName" {
		t.Errorf("Substitute = %q", got)
	}
}
