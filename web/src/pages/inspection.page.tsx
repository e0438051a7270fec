export function InspectionPage() {
  return <div>inspection</div>;
}
