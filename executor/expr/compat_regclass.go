package expr

import "github.com/runnel-db/runnel/types"

func init() {
	// to_regclass is ::regclass that answers NULL instead of failing for an unknown name (GUI tools
	// probe relations with it).
	def("to_regclass", types.Regclass, ts(tText), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		f := session(ctx).RegclassOID
		if f == nil {
			return types.NullDatum, nil
		}
		oid, err := f(a[0].Str())
		if err != nil {
			return types.NullDatum, nil
		}
		return types.NewInt(types.Regclass, int64(oid)), nil
	}).vol = Stable
}
