export function ApprovalPage() {
  return <div>approval</div>;
}
