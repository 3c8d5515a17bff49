package rpm

import "strconv"

// Tag identifies an entry of a header. Numbers are rpm's (include/rpm/rpmtag.h).
type Tag int32

// Region tags and other header-private tags.
const (
	TagHeaderImage      Tag = 61
	TagHeaderSignatures Tag = 62
	TagHeaderImmutable  Tag = 63
	TagHeaderRegions    Tag = 64
	TagHeaderI18NTable  Tag = 100
)

// Signature header tags (RPMSIGTAG_*).
const (
	SigTagSHA1                Tag = 269
	SigTagDSA                 Tag = 267
	SigTagRSA                 Tag = 268
	SigTagLongSize            Tag = 270
	SigTagLongArchiveSize     Tag = 271
	SigTagSHA256              Tag = 273
	SigTagFileSignatures      Tag = 274
	SigTagFileSignatureLength Tag = 275
	SigTagVeritySignatures    Tag = 276
	SigTagVeritySignatureAlgo Tag = 277
	SigTagOpenPGP             Tag = 278 // rpm 6: base64 OpenPGP signatures of the main header
	SigTagSHA3_256            Tag = 279 // rpm 6: hex SHA3-256 of the main header
	SigTagReserved            Tag = 999 // rpm 6: zeros reserving space for signatures
	SigTagSize                Tag = 1000
	SigTagPGP                 Tag = 1002
	SigTagMD5                 Tag = 1004
	SigTagGPG                 Tag = 1005
	SigTagPayloadSize         Tag = 1007
	SigTagReservedSpace       Tag = 1008
)

// Main header tags (RPMTAG_*).
const (
	TagName                Tag = 1000
	TagVersion             Tag = 1001
	TagRelease             Tag = 1002
	TagEpoch               Tag = 1003
	TagSummary             Tag = 1004
	TagDescription         Tag = 1005
	TagBuildTime           Tag = 1006
	TagBuildHost           Tag = 1007
	TagSize                Tag = 1009
	TagLicense             Tag = 1014
	TagGroup               Tag = 1016
	TagURL                 Tag = 1020
	TagOS                  Tag = 1021
	TagArch                Tag = 1022
	TagPreIn               Tag = 1023
	TagPostIn              Tag = 1024
	TagPreUn               Tag = 1025
	TagPostUn              Tag = 1026
	TagOldFilenames        Tag = 1027
	TagFileSizes           Tag = 1028
	TagFileStates          Tag = 1029
	TagFileModes           Tag = 1030
	TagFileRdevs           Tag = 1033
	TagFileMtimes          Tag = 1034
	TagFileDigests         Tag = 1035
	TagFileLinkTos         Tag = 1036
	TagFileFlags           Tag = 1037
	TagFileUserName        Tag = 1039
	TagFileGroupName       Tag = 1040
	TagSourceRPM           Tag = 1044
	TagFileVerifyFlags     Tag = 1045
	TagArchiveSize         Tag = 1046
	TagProvideName         Tag = 1047
	TagRequireFlags        Tag = 1048
	TagRequireName         Tag = 1049
	TagRequireVersion      Tag = 1050
	TagConflictFlags       Tag = 1053
	TagConflictName        Tag = 1054
	TagConflictVersion     Tag = 1055
	TagRPMVersion          Tag = 1064
	TagTriggerScripts      Tag = 1065
	TagTriggerName         Tag = 1066
	TagTriggerVersion      Tag = 1067
	TagTriggerFlags        Tag = 1068
	TagTriggerIndex        Tag = 1069
	TagVerifyScript        Tag = 1079
	TagPreInProg           Tag = 1085
	TagPostInProg          Tag = 1086
	TagPreUnProg           Tag = 1087
	TagPostUnProg          Tag = 1088
	TagObsoleteName        Tag = 1090
	TagVerifyScriptProg    Tag = 1091
	TagTriggerScriptProg   Tag = 1092
	TagFileDevices         Tag = 1095
	TagFileInodes          Tag = 1096
	TagFileLangs           Tag = 1097
	TagPrefixes            Tag = 1098
	TagSourcePackage       Tag = 1106
	TagProvideFlags        Tag = 1112
	TagProvideVersion      Tag = 1113
	TagObsoleteFlags       Tag = 1114
	TagObsoleteVersion     Tag = 1115
	TagDirIndexes          Tag = 1116
	TagBaseNames           Tag = 1117
	TagDirNames            Tag = 1118
	TagPayloadFormat       Tag = 1124
	TagPayloadCompressor   Tag = 1125
	TagPayloadFlags        Tag = 1126
	TagFileColors          Tag = 1140
	TagFileClass           Tag = 1141
	TagClassDict           Tag = 1142
	TagFileContexts        Tag = 1147
	TagPreTrans            Tag = 1151
	TagPostTrans           Tag = 1152
	TagPreTransProg        Tag = 1153
	TagPostTransProg       Tag = 1154
	TagLongFileSizes       Tag = 5008
	TagLongSize            Tag = 5009
	TagFileCaps            Tag = 5010
	TagFileDigestAlgo      Tag = 5011
	TagPreInFlags          Tag = 5020
	TagPostInFlags         Tag = 5021
	TagPreUnFlags          Tag = 5022
	TagPostUnFlags         Tag = 5023
	TagPreTransFlags       Tag = 5024
	TagPostTransFlags      Tag = 5025
	TagVerifyScriptFlags   Tag = 5026
	TagTriggerScriptFlags  Tag = 5027
	TagRecommendName       Tag = 5046
	TagRecommendVersion    Tag = 5047
	TagRecommendFlags      Tag = 5048
	TagSuggestName         Tag = 5049
	TagSuggestVersion      Tag = 5050
	TagSuggestFlags        Tag = 5051
	TagSupplementName      Tag = 5052
	TagSupplementVersion   Tag = 5053
	TagSupplementFlags     Tag = 5054
	TagEnhanceName         Tag = 5055
	TagEnhanceVersion      Tag = 5056
	TagEnhanceFlags        Tag = 5057
	TagEncoding            Tag = 5062
	TagFileSignatures      Tag = 5090
	TagFileSignatureLength Tag = 5091
	TagPayloadDigest       Tag = 5092
	TagPayloadDigestAlgo   Tag = 5093
	TagModularityLabel     Tag = 5096
	TagPayloadDigestAlt    Tag = 5097
	TagPreUnTrans          Tag = 5103
	TagPostUnTrans         Tag = 5104
	TagPreUnTransProg      Tag = 5105
	TagPostUnTransProg     Tag = 5106
	TagPreUnTransFlags     Tag = 5107
	TagPostUnTransFlags    Tag = 5108
	TagPayloadSize         Tag = 5112 // rpm 6: compressed payload size
	TagPayloadSizeAlt      Tag = 5113 // rpm 6: uncompressed payload size
	TagRPMFormat           Tag = 5114 // rpm 6: package format version
	TagSourceNEVR          Tag = 5120
	TagPayloadSHA512       Tag = 5121
	TagPayloadSHA512Alt    Tag = 5122
	TagPayloadSHA3_256     Tag = 5123
	TagPayloadSHA3_256Alt  Tag = 5124
)

// Type is the data type of a header entry (rpmTagType).
type Type uint32

// The header entry types.
const (
	TypeNull        Type = 0
	TypeChar        Type = 1
	TypeInt8        Type = 2
	TypeInt16       Type = 3
	TypeInt32       Type = 4
	TypeInt64       Type = 5
	TypeString      Type = 6
	TypeBin         Type = 7
	TypeStringArray Type = 8
	TypeI18NString  Type = 9
)

var typeNames = [...]string{"null", "char", "int8", "int16", "int32", "int64", "string", "bin", "string array", "i18n string"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type(" + strconv.FormatUint(uint64(t), 10) + ")"
}

// size is the byte size of one element of an integer type, 0 otherwise.
func (t Type) size() int {
	switch t {
	case TypeChar, TypeInt8:
		return 1
	case TypeInt16:
		return 2
	case TypeInt32:
		return 4
	case TypeInt64:
		return 8
	}
	return 0
}

func (t Type) isString() bool {
	return t == TypeString || t == TypeStringArray || t == TypeI18NString
}
