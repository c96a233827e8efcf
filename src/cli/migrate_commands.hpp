// nextorm makemigrations, migrate, showmigrations and sqlmigrate (docs/migrations.md).
#pragma once

#include <istream>
#include <ostream>
#include <span>
#include <string_view>

namespace nextorm::cli {

int run_makemigrations_command(std::span<const std::string_view> args, std::ostream& out,
                               std::ostream& err, std::istream* in);
int run_migrate_command(std::span<const std::string_view> args, std::ostream& out,
                        std::ostream& err, std::istream* in);
int run_showmigrations_command(std::span<const std::string_view> args, std::ostream& out,
                               std::ostream& err, std::istream* in);
int run_sqlmigrate_command(std::span<const std::string_view> args, std::ostream& out,
                           std::ostream& err, std::istream* in);

}  // namespace nextorm::cli
