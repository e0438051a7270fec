export function RoundsPage() {
  return <div>rounds</div>;
}
