package legacy

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// Variables returns the contract's variables for machine m (the seed's
// names, then the names older trees use), as generator scriptlets see them
// and as ${name} in yum.conf.template and .repo files is substituted. root
// and cache are absolute host paths.
func Variables(root, cache string, m *plan.Machine) map[string]string {
	machineDir := filepath.Join(root, filepath.FromSlash(m.Pos.File))
	groupDir := filepath.Join(root, filepath.FromSlash(groupFolder(m)))
	machineCache := filepath.Join(cache, m.Group, m.Name)
	groupCache := filepath.Join(cache, m.Group)
	v := map[string]string{
		"configPath":       root,
		"cachePath":        cache,
		"functionsPath":    filepath.Join(root, "functions"),
		"pathsPath":        filepath.Join(root, "paths"),
		"machineGroupName": m.Group,
		"machineName":      m.Name,
		"machine":          m.Name,

		"machine_group_configPath":              groupDir,
		"machine_group_cachePath":               groupCache,
		"configMachineGroupDevicesPath":         filepath.Join(groupDir, "devices"),
		"machine_configGeneratorsPath":          filepath.Join(machineDir, "generator-scriptlets"),
		"machine_group_configOverlaysPath":      filepath.Join(groupDir, "root-overlays"),
		"generatedMachineGroupRootOverlaysPath": filepath.Join(groupCache, "generated"),
		"machine_configPath":                    machineDir,
		"configMachineInitPath":                 filepath.Join(machineDir, "init"),
		"configMachineDevicesPath":              filepath.Join(machineDir, "devices"),
		"machine_configOverlaysPath":            filepath.Join(machineDir, "root-overlays"),
		"generatedMachineRootOverlaysPath":      filepath.Join(machineCache, "generated"),
		"yum_configYumConfTemplateFilePath":     filepath.Join(machineDir, "yum", "yum.conf.template"),
		"machine_cachePath":                     machineCache,
		"cacheMachineMinimalAppliancePath":      filepath.Join(machineCache, "minimal-appliance"),
		"cacheMachineBuiltAppliancePath":        filepath.Join(machineCache, "built-appliance"),
		"cacheMachineRpmInstallRootPath":        filepath.Join(machineCache, "root"),
		"configMachinePath":                     machineDir,
		"cacheMachinePath":                      machineCache,
	}
	return v
}

// GroupVariables returns the variables a group-level scriptlet sees: the
// machine's, except that machine_configGeneratorsPath names the group's
// scriptlet folder (as the seed's README lists it for groups).
func GroupVariables(root, cache string, m *plan.Machine) map[string]string {
	v := Variables(root, cache, m)
	v["machine_configGeneratorsPath"] = filepath.Join(v["machine_group_configPath"], "generator-scriptlets")
	return v
}

// groupFolder is the group's folder as reached, from the machine folder
// "GROUPDIR/machines/NAME".
func groupFolder(m *plan.Machine) string {
	return path.Dir(path.Dir(m.Pos.File))
}

// Substitute replaces ${name} for every name in vars, leaving any other
// text (yum's own $basearch, unknown ${x}) as it is.
func Substitute(text string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		name := text[i+2 : i+j]
		val, ok := vars[name]
		b.WriteString(text[:i])
		if ok {
			b.WriteString(val)
		} else {
			b.WriteString(text[i : i+j+1])
		}
		text = text[i+j+1:]
	}
	b.WriteString(text)
	return b.String()
}
