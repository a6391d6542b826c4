// Starts NHS.UK components inside freshly rendered markup only: a component that is already
// running must not be started twice (nhsuk-frontend reports that as an error).
import { Button, ErrorSummary, Header, Radios, SkipLink, Tabs } from 'nhsuk-frontend';

const COMPONENTS = [Button, ErrorSummary, Header, Radios, SkipLink, Tabs] as const;

export function initComponents(scope: ParentNode): void {
  for (const Component of COMPONENTS) {
    const name = Component.moduleName;
    const roots = scope.querySelectorAll<HTMLElement>(`[data-module="${name}"]:not([data-${name}-init])`);
    for (const root of roots) {
      try {
        new Component(root);
      } catch (error) {
        // A component that can't start leaves its plain HTML working; say so without failing the page.
        console.warn(`${name} did not start`, error);
      }
    }
  }
}
