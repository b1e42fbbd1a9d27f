#include "connectors/looker/sql_tables.h"

namespace freshwatch::connectors::looker {

SqlTables tables_in_sql(std::string_view, Dialect) { return {}; }

}  // namespace freshwatch::connectors::looker
