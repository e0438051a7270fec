export function AuditPage() {
  return <div>audit</div>;
}
