package vmdk

import (
	"fmt"
	"strings"
)

// descriptor is the embedded text descriptor, padded to its sectors.
func descriptor(size int64, o Options) []byte {
	sectors := size / sector
	heads, cylMax := int64(255), int64(65535)
	if o.AdapterType == "ide" {
		heads, cylMax = 16, 16383
	}
	cyls := min((sectors+heads*63-1)/(heads*63), cylMax)
	var b strings.Builder
	fmt.Fprintf(&b, "# Disk DescriptorFile\nversion=1\nencoding=\"UTF-8\"\nCID=%08x\nparentCID=ffffffff\n", o.CID)
	fmt.Fprintf(&b, "createType=\"streamOptimized\"\n\n# Extent description\nRW %d SPARSE \"%s\"\n\n", sectors, o.FileName)
	fmt.Fprintf(&b, "# The Disk Data Base\n#DDB\n\n")
	fmt.Fprintf(&b, "ddb.adapterType = \"%s\"\n", o.AdapterType)
	fmt.Fprintf(&b, "ddb.geometry.cylinders = \"%d\"\nddb.geometry.heads = \"%d\"\nddb.geometry.sectors = \"63\"\n", cyls, heads)
	fmt.Fprintf(&b, "ddb.uuid.image = \"%s\"\n", uuidString(o.UUID))
	fmt.Fprintf(&b, "ddb.virtualHWVersion = \"4\"\n")
	out := make([]byte, descSectors*sector)
	copy(out, b.String())
	return out
}

func uuidString(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
