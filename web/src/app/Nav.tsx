import { ROUTES, type Route } from './routes';

export function Nav({ current, admin }: { current: Route; admin: boolean }) {
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {ROUTES.filter((entry) => admin || !entry.adminOnly).map((entry) => (
          <li key={entry.route}>
            <a href={entry.hash} aria-current={entry.route === current ? 'page' : undefined}>
              {entry.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
