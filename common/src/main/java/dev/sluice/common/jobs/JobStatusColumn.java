package dev.sluice.common.jobs;

import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * {@code jobs.status} as a {@link JobStatus}: the column holds the lowercase wire names the SQL files write
 * ({@code 'queued'}, {@code 'running'}, ...), not the enum's constant names Jdbi would use by default.
 */
public final class JobStatusColumn {

    private JobStatusColumn() {
    }

    /** Reads the column; a value that is no status fails loudly. */
    public static final class Mapper implements ColumnMapper<JobStatus> {
        @Override
        public JobStatus map(ResultSet row, int column, StatementContext context) throws SQLException {
            String text = row.getString(column);
            return text == null ? null : JobStatus.fromWire(text);
        }
    }

    /** Binds a status as its wire name, so {@code where status = :status} compares like the SQL's literals. */
    public static final class Arguments extends AbstractArgumentFactory<JobStatus> {
        public Arguments() {
            super(Types.VARCHAR);
        }

        @Override
        protected Argument build(JobStatus status, ConfigRegistry config) {
            return (position, statement, context) -> statement.setString(position, status.wireName());
        }
    }
}
