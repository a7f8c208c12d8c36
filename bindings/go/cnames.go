package contour

/*
#include <contour/contour.h>
*/
import "C"

// The library's names for its enumerations. The Go String methods mirror them without a
// cgo call; TestNamesMatchLibrary checks that they agree.

func cKindName(k Kind) string { return C.GoString(C.contour_kind_name(C.contour_kind(k))) }

func cSeverityName(s Severity) string {
	return C.GoString(C.contour_severity_name(C.contour_severity(s)))
}

func cStateName(s State) string { return C.GoString(C.contour_state_name(C.contour_state(s))) }

func cStatusStr(c Code) string { return C.GoString(C.contour_result_str(C.contour_result(c))) }

func cLimitCount() int { return int(C.contour_limit_count()) }

func cExportTableName(t int) string {
	return C.GoString(C.contour_export_table_name(C.contour_export_table(t)))
}

func cExportLayoutVersion() int { return int(C.contour_export_layout_version()) }

func cFindingName(f Finding) string {
	return C.GoString(C.contour_finding_name(C.contour_finding(f)))
}

func cFindingCount() int { return int(C.contour_finding_count()) }

func cOperationName(o Operation) string {
	return C.GoString(C.contour_operation_name(C.contour_operation(o)))
}

func cChangeName(c Change) string { return C.GoString(C.contour_change_name(C.contour_change(c))) }

func cReferenceTypeName(r ReferenceType) string {
	return C.GoString(C.contour_reference_type_name(C.contour_reference_type(r)))
}

func cReferenceTypeCount() int { return int(C.contour_reference_type_count()) }
