#include "memory/sqlite.h"

#include <algorithm>
#include <stdexcept>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"

namespace dilmanc::sql {

namespace {

// Process-wide settings, made before SQLite initializes (sqlite3_config refuses them after;
// then, as when a program embedding this library initialized SQLite itself, the defaults
// stay). Memory statistics take a global mutex on every allocation SQLite makes: a bulk
// import made about 40 of them per unit, for figures nothing here reads.
void configure_sqlite_once() {
  static const bool done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}

}  // namespace

Database::Database(const std::string& path, bool create) : path_(path) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string cause = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    Error::Location where;
    where.file = path;
    ThrowIo(trf("cannot open the translation memory: {1}", cause), where);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::reopen() {
  sqlite3_close_v2(db_);
  db_ = nullptr;
  int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) fail(rc);
  sqlite3_extended_result_codes(db_, 1);
}

void Database::fail(int rc) const {
  Error::Location where;
  where.file = path_;
  std::string cause = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
    ThrowInput(trf("not a usable translation memory: {1}", cause), where);
  ThrowIo(trf("translation memory error: {1}", cause), where);
}

void Database::exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) fail(rc);
}

Statement::Statement(Database& db, const char* sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, std::int64_t v) {
  if (int rc = sqlite3_bind_int64(stmt_, i, v); rc != SQLITE_OK) db_.fail(rc);
  return *this;
}

Statement& Statement::bind(int i, std::string_view v) {
  int rc = sqlite3_bind_text64(stmt_, i, v.data() ? v.data() : "", v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) db_.fail(rc);
  return *this;
}

Statement& Statement::bind_view(int i, std::string_view v) {
  int rc = sqlite3_bind_text64(stmt_, i, v.data() ? v.data() : "", v.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) db_.fail(rc);
  return *this;
}

Statement& Statement::bind_view_or_null(int i, std::string_view v) {
  return v.empty() ? bind_null(i) : bind_view(i, v);
}

Statement& Statement::bind_blob_view(int i, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, i, bytes.empty() ? "" : bytes.data(), bytes.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) db_.fail(rc);
  return *this;
}

Statement& Statement::bind_blob(int i, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, i, bytes.empty() ? "" : bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc);
  return *this;
}

Statement& Statement::bind_null(int i) {
  if (int rc = sqlite3_bind_null(stmt_, i); rc != SQLITE_OK) db_.fail(rc);
  return *this;
}

Statement& Statement::bind_text_or_null(int i, std::string_view v) {
  return v.empty() ? bind_null(i) : bind(i, v);
}

Statement& Statement::bind_optional(int i, const std::optional<std::int64_t>& v) {
  return v ? bind(i, *v) : bind_null(i);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  reset();
  db_.fail(rc);
}

void Statement::run() {
  step();
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string Statement::blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  if (!p) return {};
  return std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::int64_t> Statement::optional_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

namespace {

std::string insert_prefix(std::string_view table, std::initializer_list<std::string_view> columns) {
  std::string sql(table);
  sql += '(';
  bool first = true;
  for (std::string_view c : columns) {
    if (!first) sql += ", ";
    first = false;
    sql += c;
  }
  return sql + ')';
}

std::string row_of(std::size_t columns) {
  std::string row = "(";
  for (std::size_t c = 0; c < columns; ++c) row += c ? ", ?" : "?";
  return row + ')';
}

std::string insert_sql(const std::string& head, const std::string& row, std::size_t rows) {
  std::string sql = head + " VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    sql += row;
  }
  return sql;
}

}  // namespace

BulkInsert::BulkInsert(Database& db, std::string_view table, std::initializer_list<std::string_view> columns,
                       int rows_per_statement, std::string_view verb)
    : db_(db),
      head_(std::string(verb) + " INTO " + insert_prefix(table, columns)),
      row_(row_of(columns.size())),
      columns_(columns.size()),
      rows_per_statement_(static_cast<std::size_t>(std::max(rows_per_statement, 1))),
      many_(db, insert_sql(head_, row_, rows_per_statement_).c_str()),
      fewer_(rows_per_statement_),
      values_(columns_ * rows_per_statement_) {}

BulkInsert& BulkInsert::next(Value::Kind kind) {
  if (in_row_ == columns_) throw std::logic_error("BulkInsert: a row with more values than columns");
  if (rows_ == rows_per_statement_) write_rows();  // a statement that failed: tried again first
  values_[rows_ * columns_ + in_row_++].kind = kind;
  return *this;
}

BulkInsert& BulkInsert::add(std::int64_t v) {
  next(Value::Kind::kInt);
  values_[rows_ * columns_ + in_row_ - 1].number = v;
  return *this;
}

BulkInsert& BulkInsert::add_text(std::string_view v) {
  next(Value::Kind::kText);
  values_[rows_ * columns_ + in_row_ - 1].bytes.assign(v);
  return *this;
}

BulkInsert& BulkInsert::add_blob(std::string_view bytes) {
  next(Value::Kind::kBlob);
  values_[rows_ * columns_ + in_row_ - 1].bytes.assign(bytes);
  return *this;
}

void BulkInsert::end_row() {
  if (in_row_ != columns_) throw std::logic_error("BulkInsert: a row with fewer values than columns");
  in_row_ = 0;
  if (++rows_ == rows_per_statement_) write_rows();
}

BulkInsert& BulkInsert::add_null() { return next(Value::Kind::kNull); }

void BulkInsert::flush() {
  if (in_row_ != 0) throw std::logic_error("BulkInsert: a row with fewer values than columns");
  if (rows_ > 0) write_rows();
}

void BulkInsert::write_rows() {
  Statement* statement = &many_;
  if (rows_ < rows_per_statement_) {
    std::unique_ptr<Statement>& fewer = fewer_[rows_];
    if (!fewer) fewer = std::make_unique<Statement>(db_, insert_sql(head_, row_, rows_).c_str());
    statement = fewer.get();
  }
  for (std::size_t r = 0; r < rows_; ++r) bind_row(*statement, static_cast<int>(r * columns_) + 1, r);
  statement->run();
  rows_ = 0;
}

void BulkInsert::bind_row(Statement& statement, int first_parameter, std::size_t row) {
  for (std::size_t c = 0; c < columns_; ++c) {
    const Value& v = values_[row * columns_ + c];
    const int i = first_parameter + static_cast<int>(c);
    switch (v.kind) {
      case Value::Kind::kInt:
        statement.bind(i, v.number);
        break;
      case Value::Kind::kText:
        statement.bind_view(i, v.bytes);
        break;
      case Value::Kind::kBlob:
        statement.bind_blob_view(i, v.bytes);
        break;
      case Value::Kind::kNull:
        statement.bind_null(i);
        break;
    }
  }
}

}  // namespace dilmanc::sql
