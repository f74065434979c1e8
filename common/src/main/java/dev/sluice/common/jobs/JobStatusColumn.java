package dev.sluice.common.jobs;

import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads {@code jobs.status} as a {@link JobStatus}: the column holds the lowercase wire names the SQL files write
 * ({@code 'queued'}, {@code 'running'}, ...), not the enum's constant names Jdbi would expect by default; a value that
 * is no status fails loudly. Nothing binds a status as a parameter (the SQL names its statuses as literals).
 */
public final class JobStatusColumn implements ColumnMapper<JobStatus> {

    @Override
    public JobStatus map(ResultSet row, int column, StatementContext context) throws SQLException {
        String text = row.getString(column);
        return text == null ? null : JobStatus.fromWire(text);
    }
}
