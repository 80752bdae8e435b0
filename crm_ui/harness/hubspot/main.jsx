// Harness entry: render the HubSpot coach card with the stand-in host into #root.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { CoachCard } from '../../hubspot/project/src/app/cards/CoachView.jsx';

createRoot(document.getElementById('root')).render(<CoachCard />);
