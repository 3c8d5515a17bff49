package vfat

import "fmt"

const (
	sectorSize = 512
	dirEntSize = 32
	numFATs    = 2
	// FAT16 holds 4085 to 65524 clusters; FAT32 at least 65525.
	minFAT16Clusters = 4085
	maxFAT16Clusters = 65524
	minFAT32Clusters = 65525
	maxFAT32Clusters = 0x0ffffff5 - 2
	fat16RootEntries = 512
	mib              = 1 << 20
)

// geometry is where the regions of the filesystem lie, in sectors.
type geometry struct {
	fat      int   // 16 or 32
	sectors  int64 // total
	spc      int64 // sectors per cluster
	reserved int64 // boot sector(s), FSInfo and backups
	fatSecs  int64 // sectors per FAT
	rootSecs int64 // FAT16's fixed root directory
	clusters int64 // data clusters, numbered from 2
}

func (g geometry) clusterBytes() int64 { return g.spc * sectorSize }
func (g geometry) fatOffset(i int64) int64 {
	return (g.reserved + i*g.fatSecs) * sectorSize
}
func (g geometry) rootOffset() int64 { return g.fatOffset(numFATs) }
func (g geometry) dataOffset() int64 { return g.rootOffset() + g.rootSecs*sectorSize }
func (g geometry) clusterOffset(c uint32) int64 {
	return g.dataOffset() + int64(c-2)*g.clusterBytes()
}

// newGeometry picks the FAT type and cluster size (as mkfs.fat 4.2 does,
// unless given) and sizes the FATs for an image of size bytes.
func newGeometry(size int64, fat, clusterSize int) (geometry, error) {
	sectors := size / sectorSize
	if fat == 0 {
		fat = 16
		if size >= 512*mib {
			fat = 32
		}
	}
	if fat != 16 && fat != 32 {
		return geometry{}, fmt.Errorf("FAT type %d is neither 16 nor 32", fat)
	}
	if clusterSize != 0 {
		spc := int64(clusterSize / sectorSize)
		if clusterSize%sectorSize != 0 || spc&(spc-1) != 0 || spc > 128 {
			return geometry{}, fmt.Errorf("cluster size %d is not 512 times a power of two up to 64 KiB", clusterSize)
		}
		return sized(fat, sectors, spc)
	}
	if fat == 32 {
		return sized(32, sectors, fat32SPC(size))
	}
	var err error
	for _, spc := range []int64{4, 8, 16, 32, 64, 128, 2, 1} {
		var g geometry
		if g, err = sized(16, sectors, spc); err == nil {
			return g, nil
		}
	}
	return geometry{}, fmt.Errorf("%d bytes fit no FAT16 cluster size (about 2.1 MiB to 4 GiB): %w", size, err)
}

// fat32SPC is mkfs.fat's (and Microsoft's) FAT32 cluster size by volume
// size, in sectors: 512 bytes up to 260 MiB, then 4 KiB up to 8 GiB,
// doubling at 16 and 32 GiB.
func fat32SPC(size int64) int64 {
	switch {
	case size < 260*mib:
		return 1
	case size <= 8<<30:
		return 8
	case size <= 16<<30:
		return 16
	case size <= 32<<30:
		return 32
	}
	return 64
}

// sized lays out a FAT of the given type and cluster size over sectors,
// growing the FATs until they cover every cluster.
func sized(fat int, sectors, spc int64) (geometry, error) {
	g := geometry{fat: fat, sectors: sectors, spc: spc, reserved: 32}
	entBytes := int64(4)
	if fat == 16 {
		g.reserved, g.rootSecs, entBytes = spc, fat16RootEntries*dirEntSize/sectorSize, 2
	}
	for g.fatSecs = 1; ; {
		meta := g.reserved + numFATs*g.fatSecs + g.rootSecs
		if meta >= sectors {
			return geometry{}, fmt.Errorf("%d sectors do not hold the FAT%d metadata", sectors, fat)
		}
		g.clusters = (sectors - meta) / spc
		need := ((g.clusters+2)*entBytes + sectorSize - 1) / sectorSize
		if need <= g.fatSecs {
			break
		}
		g.fatSecs = need
	}
	lo, hi := int64(minFAT16Clusters), int64(maxFAT16Clusters)
	if fat == 32 {
		lo, hi = minFAT32Clusters, maxFAT32Clusters
	}
	if g.clusters < lo || g.clusters > hi {
		return geometry{}, fmt.Errorf("%d sectors with %d-byte clusters make %d clusters; FAT%d needs %d to %d",
			sectors, spc*sectorSize, g.clusters, fat, lo, hi)
	}
	return g, nil
}
