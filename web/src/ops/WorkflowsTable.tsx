import type { UserWorkflows } from '../api/schemas';
import { formatDateTime } from '../format';
import { ExternalLink } from '../ui/ExternalLink';

/** The user's newest workflows, each linked to its run in the Temporal UI where there is one. */
export function WorkflowsTable({ workflows }: { workflows: UserWorkflows }) {
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption>Recent workflows</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Closed</th>
              <th scope="col">Temporal UI</th>
            </tr>
          </thead>
          <tbody>
            {workflows.workflows.length === 0 ? (
              <tr>
                <td colSpan={5}>No workflows for this user yet.</td>
              </tr>
            ) : (
              workflows.workflows.map((run) => (
                <tr key={`${run.workflowId}/${run.runId}`}>
                  <td>{run.type}</td>
                  <td>
                    <span className={`run-status run-status-${run.status.toLowerCase()}`}>{run.status}</span>
                  </td>
                  <td>{formatDateTime(run.startedAt)}</td>
                  <td>{run.closedAt === null ? 'Still running' : formatDateTime(run.closedAt)}</td>
                  <td>
                    <ExternalLink href={run.temporalUiUrl}>Open in Temporal UI</ExternalLink>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <p>
        <ExternalLink href={workflows.temporalUiUrl}>All workflows of {workflows.userId} in Temporal UI</ExternalLink>
      </p>
    </>
  );
}
